from earful.cli import main

main(prog_name="earful")
