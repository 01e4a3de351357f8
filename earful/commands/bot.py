"""``earful bot …``: the Discord community bot."""

from __future__ import annotations

import logging

import click

from earful.cli import App, console, main, pass_app
from earful.errors import EarfulError


@main.group()
def bot() -> None:
    """The Discord community bot: listens to the community's channels, answers members."""


@bot.command("run")
@click.option("--log-json", is_flag=True,
              help="Structured JSON logs on stderr (for systemd etc.).")
@pass_app
def bot_run(app: App, log_json: bool) -> None:
    """Run the bot until Ctrl-C. The token is read from the environment variable that
    [community] token_env names (DISCORD_BOT_TOKEN by default).

    Messages in [community] listen_channels are stored as mentions of [community] brand,
    open cases and raise alerts like any other source.

    Example: DISCORD_BOT_TOKEN=… earful bot run --log-json
    """
    from community.bot import bot_token, run_bot
    from earful.logs import setup_logging

    try:
        bot_token(app.settings)  # before anything starts: a clear error, not a login failure
        setup_logging(json_lines=log_json, console=console, level=logging.INFO)
        logging.getLogger("community").setLevel(logging.INFO)
        run_bot(app.settings, app.store)
    except EarfulError as error:
        raise click.ClickException(str(error)) from None
