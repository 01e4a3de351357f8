"""The sample's audience panel "trail-runners": who its members are and what they post, when.

Eight made-up runners, four on X and four on Reddit, followed whether or not they name a brand.
Until 2026-11-02 (``SHIFT``) they talk road running: marathon training, pace, intervals, taper,
race day (the Harbour City Marathon is on Sunday Nov 1). From then on, trails and backpacking:
trail shoes, elevation, ultralight tents. Everyday words (running, legs, weekend, coffee) run
through both halves. About one post in five names a brand; those are scripted in ``SCRIPT``,
the rest are drawn from the phrase tables with slots filled, so no two posts are the same.

``plan()`` decides who says what and when, with its own random stream; ``make_sample.py`` gives
the posts ids and writes them as X user timelines and Reddit user overviews. Templates are
``str.format`` strings; the slots are in ``Slots.make`` and ``NUMBERS``.
"""
# ruff: noqa: E501 - templates stay one per line, however long

from __future__ import annotations

import math
import random
import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

NAME = "trail-runners"
SEED = 20261102
SHIFT = datetime(2026, 11, 2, tzinfo=UTC)  # road running before, trails and backpacking after
START = datetime(2026, 10, 19, tzinfo=UTC)
END = datetime(2026, 11, 16, tzinfo=UTC)  # exclusive


@dataclass(frozen=True)
class Member:
    platform: str  # x | reddit
    handle: str
    lang: str
    posts: int  # how many posts in the window
    pace: str  # marathon pace per km: their goal and finish time follow from it
    name: str = ""  # X display name
    followers: int = 0
    created: str = ""  # X account creation
    bio: str = ""
    lower: bool = False  # types in lower case
    avoid: tuple[str, ...] = ()  # what their unscripted posts leave to the script

    @property
    def account(self) -> str:
        """As the config's ``members = [...]`` names it."""
        return f"x:@{self.handle}" if self.platform == "x" else f"reddit:u/{self.handle}"


MEMBERS = [
    Member("x", "mara_milesplit", "en", 22, "4:41", "Mara Ellison", 1840, "2015-04-18T06:31:09",
           "marathoner turning trail runner · coffee · spreadsheets of splits", lower=True),
    Member("x", "tempo_theo", "en", 21, "4:52", "Theo Marsh", 612, "2018-09-02T19:04:51",
           "running slowly on purpose. sometimes quickly.", lower=True, avoid=("shoes",)),
    Member("x", "carmen_km42", "es", 19, "4:38", "Carmen Robles", 2310, "2016-01-11T21:48:30",
           "Corredora 🏃‍♀️ Maratón, montaña y café. Sevilla"),
    Member("x", "rozhartruns", "en", 18, "5:04", "Roz Hart", 954, "2014-06-23T08:12:40",
           "Runner, hiker, reluctant early riser ⛰️", avoid=("tent shopping", "tent is the")),
    Member("reddit", "negative_split_ned", "en", 22, "4:47"),
    Member("reddit", "lene_laeuft", "de", 17, "5:09"),
    Member("reddit", "hill_repeats_hana", "en", 21, "5:13", avoid=("trip report",)),
    Member("reddit", "cadence_and_coffee", "en", 20, "4:58"),
]
BY_HANDLE = {member.handle: member for member in MEMBERS}

# Subreddits the members post in: name -> (id, subscribers). r/Ultralight and r/CampingGear are
# the main sample's too (same values).
SUBREDDITS = {
    "running": ("t5_2qlit", 3520418), "AdvancedRunning": ("t5_2tgvh", 742305),
    "firstmarathon": ("t5_2w0xy", 98211), "trailrunning": ("t5_2s5zt", 402516),
    "Ultralight": ("t5_2s4ex", 846120), "backpacking": ("t5_2qkm9", 3012877),
    "CampingGear": ("t5_2s7z4", 1204331), "hiking": ("t5_2qh8w", 2915030),
    "laufen": ("t5_2ux4k", 61502), "wandern": ("t5_3a8qd", 48730),
}
# Authors of the threads members comment on (those threads are not in the sample).
STRANGERS = ["lacehole_lou", "fartlek_fiona", "mudlark_miles", "gel_pocket_gus", "dawn_patrol_dee",
             "ridgeline_ravi", "splits_and_sips", "quad_burner_22", "the_long_way_round",
             "bergziege_91", "laufschuh_lars"]

# --- What they say ---------------------------------------------------------------------------------
# A template may start with "<when> " or "<when,when> ": it is only posted at such times (WHEN).
# X posts by period (and "steady": everyday posts in both halves), per language.
X_POSTS = {
    "en": {
        "before": [
            "<block,long> {km}k long run done at {pace}. legs are toast but the marathon block is working #marathontraining",
            "intervals tonight: {session}. hit every split, nearly lost my dinner on the last rep",
            "<block> {race_days} days to the {race}. goal pace is starting to feel like a pace and not a dream #marathon",
            "taper week and everything aches. apparently that's normal #marathon",
            "<early> new 10k PB at the weekend: {pb10}. road running is so back",
            "<block,long> marathon pace run: {km}k at {mpace}. smooth until the last 3k, then very much not",
            "coffee, then intervals on the track: {session}. running on caffeine and stubbornness",
            "the taper crazies are real. reorganised the sock drawer twice tonight #marathon",
            "easy taper run this morning, kept the heart rate under {hr} like a good student",
            "<block,long> negative split on the {km}k long run, last 10k at {pace}. felt like flying #marathontraining",
            "strides after easy runs: the cheapest speed work there is",
            "<race-week> carb loading has officially started. pasta for breakfast is a lifestyle #marathon",
            "track session in the rain: {session}, {pace} average. soaked and smug",
            "race day shoes or trusty old trainers for the marathon? asking for me",
            "course recce for the {race}: the hill at 30k is rude #marathon",
            "<weekend,block,long> {km}k this morning, then coffee, then a nap. perfect weekend",
            "<early> last big week of the marathon block: {weekk}k total. legs heavy, heart happy #marathontraining",
            "<race-week> what's everyone's pre-race breakfast? mine is toast, honey and exactly one coffee",
            "<early> last hard session before the taper: {session}. done and dusted",
            "goal pace {mpace}, goal time {goal}, goal attitude: don't go out too fast #marathon",
            "threshold run in the dark at {pace}, city lights, legs buzzing",
            "tempo run along the river, {km_short}k at {pace}. the road felt fast today",
            "after the marathon I'm buying trail shoes and disappearing into the hills for a while",
            "<weekend,block,long> ran the long run with a pacing group for the first time. {km}k went by in a blink",
            "the taper plan says rest day. my legs agree, my brain does not",
        ],
        "after": [
            "<late> new trail shoes finally broken in. grip on wet roots is night and day #trailrunning",
            "weighed the backpacking kit: base weight {base}kg. the tent is the heaviest thing by far #ultralight",
            "ultralight tent shopping is a rabbit hole. {grams}g or {grams2}g, and does it even matter? #ultralight",
            "<trip> overnight backpacking trip this weekend: {km2}k and {elev2}m up. legs wrecked, head clear #backpacking",
            "swapped the road flats for trail shoes and I don't think I'm going back #trailrunning",
            "poles on a trail run: cheating or genius? #trailrunning",
            "cut the handle off my toothbrush. I am an ultralight person now #ultralight",
            "trail running is hiking the ups and falling down the downs",
            "pitched the tent in the dark, woke up above the fog. worth every gram",
            "<midweek> saturday's elevation profile looks like a saw blade: {elev}m over {km_short}k #trailrunning",
            "trail shoe question: more cushion or more ground feel for rocky descents?",
            "quilt or sleeping bag for backpacking in november? #ultralight",
            "stove coffee on the ridge at 7am beats any café in town",
            "<late> my legs have forgotten how to run on flat ground. the trails did this",
            "bought a trail vest with eleven pockets. already lost a gel in one of them #trailrunning",
            "backpacking food that isn't instant noodles? planning two nights out",
            "camped on the ridge last night: {grams}g of shelter and one very cold nose #ultralight",
            "trail pace is meaningless and I love it. {km_short}k in who-knows-how-long #trailrunning",
            "frost on the tent this morning, {temp}°C. good test for the sleeping pad",
            "hill reps on the fell: {elev}m of elevation in {km_short}k. calves screaming #trailrunning",
            "went out for a quick trail run, came back two hours later muddy to the knees",
            "<trip> backpacking loop done: 3 days, {km2}k, {elev2}m of climbing, zero blisters #backpacking",
            "ultralight lesson: leave the spare shoes at home. learnt that one the heavy way #ultralight",
            "<late> marathon recovery is over, the legs want elevation now",
            "tent, quilt and stove in a 30l pack. it closes. barely #ultralight",
        ],
        "steady": [
            "<weekend> coffee first, running later. happy weekend everyone",
            "<monday> legs sore, coffee strong, monday again",
            "rest day. the legs asked nicely",
            "nothing beats the first coffee after a cold morning run",
            "<midweek> weekend plans: run, eat, sleep, repeat",
            "watch died halfway through the run. did it even happen",
            "legs feel fresh today. suspicious",
            "running club tonight and then coffee, the real reason I go",
            "the dog wanted to come running. the dog lasted 3k",
            "dark mornings are back. headtorch on, running anyway #running",
        ],
    },
    "es": {
        "before": [
            "<block,long> Tirada larga de {km} km a {pace}. Las piernas lo notan, pero el maratón se acerca #maratón",
            "Series hoy: {session}. La última casi no la cuento",
            "<block> Quedan {race_days} días para el maratón y el ritmo objetivo empieza a salir solo #marathon",
            "Semana de tapering: me duele todo y dicen que es normal",
            "<early> ¡Nueva marca personal en 10K el fin de semana: {pb10}!",
            "Café primero, luego series en la pista: {session}",
            "Rodaje suave sin pasar de {hr} pulsaciones. Paciencia, que el maratón es largo",
            "<early> Último entreno duro antes del tapering: {session}. Hecho",
            "<race-week> Carga de hidratos oficialmente empezada. Pasta en todas las comidas #maratón",
            "Ritmo objetivo {mpace}, tiempo objetivo {goal}. Y no salir demasiado rápido",
            "<early> Última semana fuerte del plan de maratón: {weekk} km. Piernas cansadas, cabeza feliz",
            "Después del maratón me compro unas zapatillas de trail y me voy al monte",
            "Tempo de {km_short} km junto al río a {pace}. Hoy el asfalto volaba #running",
            "¿Zapatillas nuevas para el maratón o las de siempre? Dudas de última hora",
        ],
        "after": [
            "<first-week> Primera salida por montaña después del maratón: {elev} m de desnivel en {km_short} km #trailrunning",
            "Zapatillas de trail nuevas y por fin agarre en el barro #trailrunning",
            "He pesado mi equipo de mochilera: {base} kg de peso base. La tienda es lo que más pesa #ultralight",
            "Noche en la tienda a {temp} °C y café en el hornillo al amanecer",
            "El desnivel de hoy me ha dejado las piernas destrozadas, pero qué vistas #montaña",
            "<trip> Ruta de dos días con mochila: {km2} km y {elev2} m de subida",
            "¿Tienda ultraligera de una capa o de doble capa? Acepto consejos #ultralight",
            "Bajar corriendo por piedra suelta es otro deporte. Mis rodillas opinan",
            "Chaleco de trail nuevo con mil bolsillos. Ya he perdido un gel en uno",
            "Cuestas en el monte: {elev} m en {km_short} km. Gemelos destrozados #trailrunning",
            "¿Saco o quilt para dormir en noviembre? Quiero ir ligera",
            "En trail el ritmo no importa y me encanta",
            "<late> Recuperación del maratón terminada, las piernas ya piden montaña",
        ],
        "steady": [
            "<weekend> Fin de semana de correr y café. No pido más",
            "<monday> Piernas cansadas, café doble, lunes otra vez",
            "Día de descanso. Las piernas lo pidieron por favor",
            "El primer café después de correr con frío es lo mejor del día",
            "Se me murió el reloj a mitad del entreno. ¿Cuenta igual?",
        ],
    },
}
X_EMOJI = {"before": ["", "", "", "", " 🏃‍♀️", " 💪", " 😅", " ⏱️"],
           "after": ["", "", "", "", " ⛰️", " ⛺️", " 🌲", " 🥾"],
           "steady": ["", "", "", " ☕", " 🙃", " 😴"]}

# Reddit submissions by period: (subreddit, title, selftext).
SUBMISSIONS = {
    "en": {
        "before": [
            ("AdvancedRunning", "<block,long> {km}k at marathon pace today. When did you start believing your goal time?",
             "Did {km}k at {mpace} this morning, which is goal pace for the {race}. Legs held up until the last few k. {race_days} days to go. When did it click for you?"),
            ("running", "Taper madness: how do you cope?",
             "Cut my mileage by 40% this week and I'm climbing the walls. Legs feel great, brain feels terrible. How do you all get through the taper?"),
            ("running", "<early> Half marathon PB as a marathon tune-up: {pbhalf}",
             "Ran a tune-up half at the weekend. Negative split, {pbhalf}, and something left at the end. The Tuesday intervals are finally paying off."),
            ("AdvancedRunning", "{session} every week, or longer reps at threshold?",
             "My plan has {session} every Tuesday. Has anyone seen better marathon results from longer reps at threshold instead?"),
            ("firstmarathon", "Race day fuelling check",
             "Gel every 30 minutes, water at every station, one coffee before the start. Anything I'm missing for race day?"),
            ("firstmarathon", "Even pace or negative split for a first marathon?",
             "Goal is {goal}. Plan A is even splits at {mpace}. Plan B is holding back for the first half. Which worked for you?"),
            ("running", "<early> Last big week of the marathon block: {weekk}k and everything hurts",
             "Biggest mileage week I've ever run. Legs are heavy, sleep is great, appetite is unreal. Taper starts Monday and I can't wait."),
            ("running", "<block,long> Long run on an empty stomach: good idea?",
             "Did my {km}k long run before breakfast and bonked hard at the end. Is fasted running worth it in a marathon block or am I just making it harder?"),
        ],
        "after": [
            ("Ultralight", "Base weight down to {base}kg",
             "Swapped the old two-person tent for a trekking pole shelter ({grams}g) and left the camp chair at home. A quilt is next. What else would you cut?"),
            ("backpacking", "<trip> Overnight trip report: {km2}k and {elev2}m of elevation",
             "Carried everything for two days. The climbing was brutal with a pack, the camp spot was perfect and I slept better than at home. Already planning the next one."),
            ("trailrunning", "Uphill on trails: run or power hike?",
             "Coming from road running I want to run everything, but on {elev}m climbs I'm spent by halfway. When do you start hiking?"),
            ("Ultralight", "Ultralight tent for windy ridges?",
             "Looking at single-wall shelters around {grams}g. How do they hold up when the wind picks up on an exposed ridge?"),
            ("CampingGear", "Frosty night at {temp}°C: sleep system check",
             "Pad R-value 4.2, a 0°C quilt and a down hood. Still woke up cold at 3am. Where is the heat going?"),
            ("trailrunning", "Downhill technique on loose rock?",
             "I can climb fine now but the descents terrify me. Any drills that helped your legs and your nerve?"),
            ("backpacking", "Backpacking dinners that aren't instant noodles",
             "Heading out for two nights next weekend. What are your go-to dinners that don't weigh a ton?"),
            ("hiking", "<trip> Trail running or hiking the same loop: which do you prefer?",
             "Same loop twice this weekend, {km_short}k with {elev}m of elevation: once running, once hiking with a pack. Hiking won, mostly because of the coffee stop."),
        ],
    },
    "de": {
        "before": [
            ("laufen", "<block,long> Langer Lauf im Marathontempo: {km} km",
             "Heute {km} km bei {mpace} gelaufen, das ist mein Zieltempo für den Marathon. Die Beine waren bis kurz vor Schluss gut. Noch {race_days} Tage. Wann habt ihr angefangen, an eure Zielzeit zu glauben?"),
            ("laufen", "Tapering macht mich verrückt",
             "Ich laufe diese Woche 40 Prozent weniger und habe so viel Energie, dass ich nicht weiß, wohin damit. Wie übersteht ihr das Tapering?"),
            ("laufen", "<early> Neue Bestzeit über 10 km: {pb10}",
             "Am Wochenende beim Stadtlauf. Die Intervalle am Dienstag haben sich endlich gelohnt. Danach gab es Kuchen und zwei Kaffee."),
            ("laufen", "Intervalle im Regen",
             "{session} auf der Bahn, alle Wiederholungen im Soll, komplett durchnässt. Wie motiviert ihr euch bei so einem Wetter?"),
            ("laufen", "<race-week> Frühstück am Wettkampftag?",
             "Am Sonntag ist mein erster Marathon. Toast mit Honig und ein Kaffee, reicht das? Was esst ihr vor dem Start?"),
        ],
        "after": [
            ("laufen", "<late> Erster Trailrun nach dem Marathon",
             "{km_short} km und {elev} Höhenmeter, und ich bin jeden steilen Anstieg gegangen. Die Beine wissen gar nicht, was los ist. Macht aber viel mehr Spaß als Asphalt."),
            ("wandern", "Isomatte für Nächte um den Gefrierpunkt?",
             "Meine alte Isomatte war bei der letzten Tour im Zelt viel zu kalt. Welchen R-Wert braucht man im November? Ultraleicht soll sie trotzdem bleiben."),
            ("wandern", "<trip> Zwei Tage mit Rucksack im Harz",
             "{km2} km, {elev2} Höhenmeter und eine Nacht im Zelt bei {temp} Grad. Der Kaffee am Morgen auf dem Kocher war das Beste am ganzen Wochenende."),
            ("laufen", "<first-week> Trailschuhe: mehr Dämpfung oder mehr Gefühl?",
             "Ich komme vom Straßenlauf und brauche meine ersten Trailschuhe. Auf felsigen Abstiegen fühle ich mich noch unsicher. Was würdet ihr empfehlen?"),
            ("wandern", "<end> Basisgewicht endlich unter {base_up} kg",
             "Altes Zelt raus, leichter Quilt rein, und der Rucksack ist plötzlich halb so schwer. Was würdet ihr noch streichen?"),
        ],
    },
}

# Other people's threads members comment in: (subreddit, title, comments to choose from).
THREADS = {
    "en": {
        "before": [
            ("AdvancedRunning", "Taper week: how do you stop yourself doing extra?",
             ["The taper is when the training soaks in. Trust it and go to bed early.",
              "I book a massage and a film for every taper day I'd otherwise run. Works every time.",
              "Foam roll, sleep, eat. Boring but it works.",
              "Short strides at marathon pace keep the legs awake without tiring them."]),
            ("running", "Just ran a {someone_pb10} 10k, first time under {pb_round}!",
             ["Congrats on the PB! That's a serious time.", "Huge! Was it a negative split?",
              "Well earned, enjoy the coffee today.", "That's marathon block fitness showing. Nice one."]),
            ("firstmarathon", "Race day fuelling: how many gels?",
             ["A gel every 30 minutes worked for me, practised on every long run.",
              "Coffee about 45 minutes before the start, and never a new gel on race day.",
              "Train your stomach on the long runs, it needs practice too."]),
            ("AdvancedRunning", "Intervals or threshold for the marathon?",
             ["I did {session} every Tuesday for the whole block and took {mins} minutes off my marathon.",
              "Threshold for the engine, intervals for the top end. You need both.",
              "Strides twice a week did more for my pace than any interval session."]),
            ("running", "Even pace or negative split for a first marathon?",
             ["Even pace for the first 30k, then see what the legs have left.",
              "Start slower than goal pace feels like it should be. The first 10k should feel silly easy.",
              "Negative split every time, the last 10k is where races are won."]),
            ("firstmarathon", "Peak week and I'm exhausted, normal?",
             ["Week {n} was my worst too. It gets better once the taper starts.",
              "Totally normal, that heavy-legs feeling is the point of peak week.",
              "My plan peaked at {weekk}k and I felt like a zombie. The race went great."]),
            ("running", "Weekend long run routes in the city?",
             ["The river path is flat and has coffee at both ends, can't beat it for a long run.",
              "Loop the park three times and you've got your {km_short}k done.",
              "I do my weekend long runs on the canal towpath, no traffic lights."]),
            ("running", "Best jacket for winter long runs?",
             ["Something light and windproof, you warm up after 2k anyway.",
              "A thin shell and gloves. Gloves matter more than the jacket."]),
        ],
        "after": [
            ("trailrunning", "Road runner here: run or hike the climbs?",
             ["Power hike anything you can't run while talking. Your legs will thank you later.",
              "Elevation is the real distance on trails. {elev}m feels like a half marathon.",
              "Hike early, run late. Nobody regrets walking the first climb."]),
            ("trailrunning", "Trail shoes for muddy winter runs?",
             ["Deep lugs and a rock plate. Everything else is marketing.",
              "Trail shoes with a wider toe box fixed my black toenails on descents.",
              "Go half a size up, your feet swell on long trail days."]),
            ("Ultralight", "Is a single-wall tent OK in November?",
             ["Single-wall tents are fine until the wind picks up. Pitch low and use every guyline.",
              "Condensation is the real issue. Vent it and carry a small towel.",
              "Mine is {grams}g and has survived some properly wild nights."]),
            ("Ultralight", "Rate my base weight: {base}kg",
             ["Your tent is doing most of the damage, that's where the grams are.",
              "Ultralight doesn't mean uncomfortable, it means you carry what you actually use.",
              "Leave the second headtorch and the camp shoes at home and you're there."]),
            ("backpacking", "Best backpacking dinners?",
             ["Dehydrated chilli and tortillas, every trip.",
              "Couscous, olive oil and a pack of salmon. Weighs nothing.",
              "Instant mash with cheese and crispy onions, and instant coffee for the morning."]),
            ("CampingGear", "Quilt or sleeping bag for cold nights?",
             ["For November nights I'd take the warmer quilt, the extra 150g is worth it.",
              "Quilt plus a good pad. Bags just crush under you anyway.",
              "Bag if you toss and turn, quilt if you sleep still."]),
            ("hiking", "Recovery hikes after a marathon?",
             ["Backpacking after a marathon block is the best recovery there is.",
              "Easy hikes with a light pack did wonders for my legs.",
              "Take the first week really easy, then go and find some elevation."]),
            ("trailrunning", "What's in your trail running vest?",
             ["Two soft flasks, a shell, a gel per hour and a tiny first aid kit.",
              "Running on trails taught me to carry a jacket even when it's sunny at the start.",
              "Poles clipped on the back for the long climbs, they save my legs."]),
        ],
    },
    "de": {
        "before": [
            ("laufen", "Wie viele lange Läufe vor dem ersten Marathon?",
             ["Bei mir waren es drei lange Läufe über 30 km, das hat gereicht.",
              "Lieber ein langer Lauf weniger und gesund an den Start."]),
            ("laufen", "Tempo am Wettkampftag: wie nicht zu schnell loslaufen?",
             ["Die ersten fünf Kilometer bewusst langsamer laufen, das ist das Wichtigste am Wettkampftag.",
              "Uhr auf Durchschnittstempo stellen und stur bleiben."]),
            ("laufen", "Intervalle: 400er oder 1000er?",
             ["Für den Marathon eher 1000er, die 400er sind für die Spritzigkeit.",
              "Ich mache {session} und das hat meine Zeit deutlich verbessert."]),
        ],
        "after": [
            ("wandern", "Erste Nacht im Zelt im Herbst, Tipps?",
             ["Eine gute Isomatte ist wichtiger als der Schlafsack.",
              "Warme Socken und eine Mütze für die Nacht, dann passt das."]),
            ("laufen", "Trailrunning statt Straße, wie umstellen?",
             ["Mit Trailschuhen ist das eine ganz andere Welt. Bergauf gehen ist keine Schande.",
              "Die Höhenmeter sind die eigentliche Strecke, nicht die Kilometer."]),
            ("wandern", "Wie leicht geht ultraleicht wirklich?",
             ["Basisgewicht unter 6 kg ist machbar, wenn man beim Zelt spart.",
              "Erst wiegen, dann streichen. Man trägt so viel Unnötiges mit."]),
        ],
    },
}
SUBMISSION_SHARE = 0.4  # of a Reddit member's unscripted posts; the rest are comments

# --- Scripted posts: every brand mention, race day, the shift, and the members' replies ------------
# who, when (UTC), category, text; a Reddit submission adds ("sub", title), a comment on someone
# else's thread ("thread", sub, title), a reply names the key of the post it answers.
SCRIPT = [
    # X: Mara
    dict(key="m-jacket", who="mara_milesplit", at="2026-10-22T07:48", cat="praise", mark="long",
         text="the Kestrel Stormline kept me dry for all {km}k of today's long run in the rain 🙌"),
    dict(key="m-race", who="mara_milesplit", at="2026-11-01T06:12", cat="no_brand",
         text="race day. bib pinned, gels counted, coffee drunk. see you at the finish #marathon"),
    dict(who="mara_milesplit", at="2026-11-01T15:27", cat="no_brand", reply="t-pb",
         text="massive!! told you the taper would work 🎉"),
    dict(key="m-trail", who="mara_milesplit", at="2026-11-03T17:20", cat="no_brand",
         text="first trail run since the marathon: {elev}m of climbing in {km_short}k and I walked every steep bit. legs confused, heart full #trailrunning"),
    dict(who="mara_milesplit", at="2026-11-06T18:05", cat="question",
         text="@KestrelHelp ordered the Solo Ridge 1P on oct 30 and tracking hasn't moved since. is it caught in the delay? need it for a trip on the 14th"),
    dict(who="mara_milesplit", at="2026-11-10T09:31", cat="competitor_talk", reply="t-churn",
         text="I've had the Trovia trail shoes since the summer, the grip on wet rock is great"),
    dict(who="mara_milesplit", at="2026-11-13T20:31", cat="praise",
         text="the Solo Ridge 1P from Kestrel turned up just in time for the weekend. test pitch in the garden tonight and it's lovely ⛺️"),
    # X: Theo, who leaves Kestrel for Trovia's trail shoes
    dict(who="tempo_theo", at="2026-10-25T12:15", cat="praise",
         text="Kestrel's Alder Fleece is my post-long-run uniform now. warm, soft, and it's survived twenty washes"),
    dict(key="t-pb", who="tempo_theo", at="2026-11-01T13:52", cat="no_brand",
         text="PB!! {race}: {time}. cried at the finish, zero regrets #marathon"),
    dict(who="tempo_theo", at="2026-11-02T19:40", cat="no_brand",
         text="marathon done. next up: trails, hills and a tent. who's in? #trailrunning"),
    dict(who="tempo_theo", at="2026-11-04T12:30", cat="question",
         text="does Kestrel sell actual trail running shoes or just hiking boots? asking for my new hobby"),
    dict(who="tempo_theo", at="2026-11-07T21:02", cat="churn_hypothetical",
         text="thinking about switching to Trovia for trail shoes. Kestrel only does hiking boots and the Scree GTX is way too heavy to run in"),
    dict(key="t-churn", who="tempo_theo", at="2026-11-10T08:44", cat="churn_threat",
         text="done waiting on Kestrel. ordered trail shoes from @TroviaShop, here by thursday. bye Kestrel 👋"),
    dict(who="tempo_theo", at="2026-11-14T10:05", cat="competitor_talk",
         text="first run in the new Trovia trail shoes: {km_short}k of mud and not one slip #trailrunning"),
    # X: Carmen (Spanish)
    dict(who="carmen_km42", at="2026-10-21T19:10", cat="praise",
         text="La mochila Daybreak 22 de Kestrel es perfecta para llevar agua y geles en las tiradas largas 👌"),
    dict(who="carmen_km42", at="2026-11-01T07:30", cat="no_brand",
         text="¡Día de maratón! Nervios, café y a por todas 🏃‍♀️ #maratón"),
    dict(who="carmen_km42", at="2026-11-05T09:15", cat="question",
         text="@KestrelHelp ¿cuánto tarda en llegar a España la tienda Talon UL 2? La quiero para una ruta el día 14"),
    dict(who="carmen_km42", at="2026-11-09T20:40", cat="complaint",
         text="Mi pedido de Kestrel lleva 4 días sin moverse y la ruta es este fin de semana 😤"),
    dict(who="carmen_km42", at="2026-11-15T18:22", cat="praise",
         text="Primera noche con la Talon UL 2 de Kestrel: viento, {temp} °C y ni una gota dentro ⛺️"),
    # X: Roz, who compares Nimbus
    dict(who="rozhartruns", at="2026-10-27T18:00", cat="competitor_talk",
         text="Nimbus Market has my usual road shoes 15% off this week. Tempting for race day #marathon"),
    dict(who="rozhartruns", at="2026-11-02T10:15", cat="no_brand",
         text="Booked my first backpacking trip for the weekend. Two nights, one tent, far too many snacks #ultralight"),
    dict(who="rozhartruns", at="2026-11-03T18:02", cat="no_brand", reply="m-trail",
         text="Welcome to the hills. They never get easier, you just get slower 😂"),
    dict(who="rozhartruns", at="2026-11-08T16:40", cat="competitor_talk",
         text="Comparing ultralight tents: the Kestrel Talon UL 2 vs the one Nimbus Market sells. Kestrel is 200g lighter, Nimbus is £60 cheaper. Thoughts? #ultralight"),
    dict(who="rozhartruns", at="2026-11-14T19:12", cat="praise",
         text="Went with the Kestrel Talon UL 2 in the end. First night out on the ridge and it's everything I hoped for #ultralight"),
    # Reddit: Ned
    dict(who="negative_split_ned", at="2026-10-24T13:05", cat="praise",
         thread=("running", "Best jacket for winter long runs?"),
         text="My Kestrel Stormline has done three marathon blocks of winter running and still beads water. Pricey but worth it."),
    dict(who="negative_split_ned", at="2026-11-01T16:20", cat="no_brand", sub="running",
         title="Race report: {race}, {time}",
         text="Went out at {mpace}, held it to 35k, then the wheels wobbled but stayed on. A PB by {mins} minutes. Legs are destroyed. Coffee and a nap next, then I'm trading road for trail for the winter."),
    dict(key="n-shoes", who="negative_split_ned", at="2026-11-03T09:50", cat="no_brand",
         sub="trailrunning", title="From road marathons to trails: what should I look for in trail shoes?",
         text="Ran my marathon on Sunday and want to spend the winter on trails. Looking for a rock plate and grip that works in mud. What should a road runner look for?"),
    dict(who="negative_split_ned", at="2026-11-03T19:41", cat="no_brand", reply="h-shoes",
         text="Thanks! Trying a couple of pairs this weekend, will report back."),
    dict(who="negative_split_ned", at="2026-11-09T14:10", cat="competitor_talk", sub="Ultralight",
         title="Talon UL 2 from Kestrel or a Trovia tent for a first ultralight setup?",
         text="Coming from road running, so new to all of this. The Kestrel Talon UL 2 is lighter, the Trovia one has a bigger vestibule. Mostly one or two nights in the hills. What would you pick?"),
    dict(who="negative_split_ned", at="2026-11-11T21:16", cat="question",
         thread=("Ultralight", "Anyone else still waiting on tent orders?"),
         text="Did anyone's Kestrel order from the week of the delay arrive yet? My Ember Ti stove has been in transit for {days} days and the trip is on Saturday."),
    # Reddit: Hana
    dict(who="hill_repeats_hana", at="2026-10-20T18:34", cat="question", sub="CampingGear",
         title="Does Kestrel ship to Canada without duties?",
         text="Want the Cairn 45L for a backpacking trip after my marathon. Does anyone know if duties are included when Kestrel ships to Canada?"),
    dict(key="h-shoes", who="hill_repeats_hana", at="2026-11-03T11:02", cat="no_brand", reply="n-shoes",
         text="Same boat! Ran the marathon on Sunday and my legs already want hills. Everyone told me the same: deep lugs and a rock plate."),
    dict(who="hill_repeats_hana", at="2026-11-07T15:48", cat="complaint",
         thread=("backpacking", "What are you packing for your first winter overnight?"),
         text="Would love to know too, but my Kestrel order has been 'in transit' since the 3rd and the trip is next weekend. Not great."),
    dict(who="hill_repeats_hana", at="2026-11-08T10:22", cat="competitor_talk",
         thread=("CampingGear", "Where is everyone buying gear right now?"),
         text="Nimbus Market had the same pack in stock and shipped it in three days, just saying."),
    dict(key="h-trip", who="hill_repeats_hana", at="2026-11-15T17:30", cat="praise", mark="trip", sub="backpacking",
         title="Trip report: {km2}k, {elev2}m up, and the Cairn 45L was perfect",
         text="The Kestrel order turned up on Thursday, just in time. Carried 9kg for two days and no hot spots on the hips. Legs wrecked, and coffee at camp was the best I've ever had."),
    # Reddit: cadence_and_coffee
    dict(who="cadence_and_coffee", at="2026-10-26T06:55", cat="praise",
         thread=("running", "What's your pre-run coffee setup?"),
         text="A Kestrel Glow 2 stove on the balcony. Boils water for a pour-over in three minutes, then out the door."),
    dict(who="cadence_and_coffee", at="2026-11-10T12:37", cat="competitor_talk",
         thread=("trailrunning", "Where do you buy trail shoes in Europe?"),
         text="Nimbus Prime got my trail shoes here in two days, not bad. Kestrel doesn't sell them at all, sadly."),
    dict(who="cadence_and_coffee", at="2026-11-15T20:05", cat="no_brand", reply="h-trip",
         text="Great trip report! Did you carry a stove or cold soak?"),
    # Reddit: Lene (German)
    dict(who="lene_laeuft", at="2026-10-23T17:40", cat="praise",
         thread=("laufen", "Was zieht ihr nach dem Laufen an?"),
         text="Die Alder Fleece von Kestrel, seit zwei Jahren. Warm, leicht und sie sieht nach hundert Wäschen noch gut aus."),
    dict(who="lene_laeuft", at="2026-10-30T19:12", cat="competitor_talk", sub="laufen",
         title="Trovia hat gerade Laufschuhe im Angebot",
         text="Lohnt sich das? Meine alten Schuhe haben nach dem Marathontraining fast 800 km drauf und ich brauche ein Paar für den Winter."),
    dict(who="lene_laeuft", at="2026-11-01T18:03", cat="no_brand", sub="laufen", title="Erster Marathon geschafft!",
         text="{time} im Ziel, die letzten sieben Kilometer waren die Hölle. Jetzt Kaffee, Kuchen und eine Woche Pause. Danach will ich in die Berge."),
    dict(who="lene_laeuft", at="2026-11-05T08:26", cat="question", sub="wandern",
         title="Liefert Kestrel gerade nach Deutschland?",
         text="Ich habe das Solo Ridge 1P bei Kestrel bestellt und die Sendungsverfolgung steht seit einer Woche still. Hat jemand Erfahrung, wie lange das gerade dauert?"),
    dict(who="lene_laeuft", at="2026-11-13T19:50", cat="praise", sub="wandern", title="Das Solo Ridge 1P ist endlich da",
         text="Knapp ein Kilo, in fünf Minuten aufgebaut, und die erste Nacht bei minus zwei Grad war trocken. Das Warten auf Kestrel hat sich gelohnt."),
]

# Slots: numbers as (low, high, step); the rest in Slots.make.
NUMBERS = {"km": (16, 34, 1), "km_short": (8, 18, 1), "km2": (28, 64, 1), "grams": (690, 1190, 10),
           "temp": (-4, 3, 1), "hr": (136, 150, 1), "n": (11, 16, 1), "weekk": (62, 98, 1),
           "mins": (2, 9, 1), "days": (6, 11, 1), "base_up": (5, 7, 1)}
SESSIONS = ["6x800m", "5x1k", "8x400m", "3x2k", "6x1k", "10x400m", "2x5k", "12x200m", "5x1200m"]
RACE = "Harbour City Marathon"
RACE_DAY = datetime(2026, 11, 1, tzinfo=UTC)  # a Sunday; the unscripted posts leave it alone
# When a "<when> " template may be posted.
WHEN = {
    "weekend": lambda t: t.weekday() >= 5,
    "monday": lambda t: t.weekday() == 0,
    "midweek": lambda t: t.weekday() in (2, 3, 4),
    "early": lambda t: t < datetime(2026, 10, 24, tzinfo=UTC),  # the last big week, before the taper
    "block": lambda t: t < datetime(2026, 10, 28, tzinfo=UTC),  # long runs: not in race week
    "long": lambda t: True,  # a long run: one every few days (SPACED)
    "race-week": lambda t: datetime(2026, 10, 28, tzinfo=UTC) <= t < RACE_DAY,
    "first-week": lambda t: t < datetime(2026, 11, 7, tzinfo=UTC),
    "late": lambda t: t >= datetime(2026, 11, 7, tzinfo=UTC),
    "end": lambda t: t >= datetime(2026, 11, 14, tzinfo=UTC),
    "trip": lambda t: ((t.weekday() == 6 and t.hour >= 14) or t.weekday() == 0)  # back home
    and t >= datetime(2026, 11, 8, tzinfo=UTC),
}
SPACED = ("long", "trip")  # a member's posts about these are days apart (one trip a weekend)
HOUR_WEIGHTS = [0.3, 0.2, 0.1, 0.1, 0.2, 1, 4, 8, 7, 5, 4, 5, 6, 5, 4, 4, 5, 7, 9, 9, 8, 6, 4, 2]


def _clock(seconds: int) -> str:
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


def _when(template: str) -> tuple[str, str]:
    """("<weekend> text" →) the template's time marker, or "", and its text."""
    if template.startswith("<"):
        marker, _, text = template[1:].partition("> ")
        return marker, text
    return "", template


class Slots(dict):
    """Fills a template's slots from ``rand``, lazily and the same way each time in one post;
    figures that go together (a pace and a finish time, a distance and its climb) agree."""

    def __init__(self, rand: random.Random, member: Member, when: datetime) -> None:
        super().__init__()
        self.rand, self.member, self.when = rand, member, when

    def __missing__(self, key: str) -> str:
        value = self[key] = self.make(key)
        return value

    def make(self, key: str) -> str:
        rand = self.rand
        if key in NUMBERS:
            low, high, step = NUMBERS[key]
            return str(rand.randrange(low, high + 1, step))
        minutes, seconds = self.member.pace.split(":")
        per_km = int(minutes) * 60 + int(seconds)
        if key == "mpace":
            return f"{self.member.pace}/km"
        if key == "pace":  # a training run's: a bit quicker or slower than marathon pace
            return _clock(per_km + rand.randint(-20, 35)) + "/km"
        if key in ("time", "goal"):
            marathon = per_km * 42.195
            if key == "time":  # a finish at about that pace, a little slower at the end
                return _clock(int(marathon) + rand.randint(-60, 300))
            return f"sub-{_clock(math.ceil(marathon / 300) * 300)[:-3]}"  # the next 5 minutes
        if key == "elev":  # metres of climbing over km_short
            return str(int(self["km_short"]) * rand.randrange(40, 95, 5) // 10 * 10)
        if key == "elev2":
            return str(int(self["km2"]) * rand.randrange(30, 60, 5) // 50 * 50)
        if key == "grams2":
            return str(int(self["grams"]) + rand.randrange(120, 400, 10))
        if key == "base":
            value = f"{rand.randint(42, 78) / 10:.1f}"
            return value.replace(".", ",") if self.member.lang in ("es", "de") else value
        if key == "pb10":  # shorter races, quicker paces
            return _clock((per_km - rand.randint(18, 26)) * 10)
        if key == "pbhalf":
            return _clock(int((per_km - rand.randint(8, 13)) * 21.0975))
        if key == "someone_pb10":  # a stranger's
            return _clock(rand.randint(38 * 60 + 30, 49 * 60 + 50))
        if key == "pb_round":  # the round number that 10k beat
            return f"{int(self['someone_pb10'].split(':')[0]) + 1}"
        if key == "session":
            return rand.choice(SESSIONS)
        if key == "race":
            return RACE
        if key == "race_days":
            return str((RACE_DAY.date() - self.when.date()).days)
        raise KeyError(key)


@dataclass(eq=False)
class Thread:
    """Someone else's Reddit submission a member comments in (not in the sample)."""

    sub: str
    title: str
    author: str
    when: datetime | None = None
    comments: int = 0  # its comment count on Reddit


@dataclass(eq=False)
class Said:
    """One post of a member: an X post or reply, or a Reddit submission or comment."""

    member: Member
    cat: str
    text: str
    when: datetime
    title: str = ""  # a Reddit submission's
    sub: str = ""  # a submission's subreddit (a comment's is its thread's)
    parent: Said | Thread | None = None

    @property
    def period(self) -> str:
        return "before" if self.when < SHIFT else "after"


class Planner:
    def __init__(self, rand: random.Random) -> None:
        self.rand = rand
        self.seen: set[str] = set()
        self.decks: dict[tuple, list[int]] = {}
        self.threads: dict[tuple[str, str], Thread] = {}
        self.spaced: dict[tuple[str, str], list[datetime]] = {}  # (handle, SPACED) -> times

    def deal(self, key: tuple, seq: list, avoid: tuple[str, ...] = ()) -> Any:
        """Off a shuffled deck, so every item is used before any repeats; the next one that
        mentions none of ``avoid`` (None if there is none: the rest are left for others)."""
        deck = self.decks.get(key)
        if not deck:
            deck = self.decks[key] = list(range(len(seq)))
            self.rand.shuffle(deck)
        for i in reversed(range(len(deck))):
            if not any(word in str(seq[deck[i]]) for word in avoid):
                return seq[deck.pop(i)]
        return None

    def fill(self, member: Member, when: datetime, *templates: str) -> list[str] | None:
        """The templates filled with one set of slots, or None if that gives only texts seen
        before (no two posts say the same)."""
        for _ in range(20 if "{" in templates[-1] else 1):
            slots = Slots(self.rand, member, when)
            texts = [template.format_map(slots) for template in templates]
            if texts[-1] not in self.seen:
                self.seen.add(texts[-1])
                return texts
        return None

    def thread(self, sub: str, title: str) -> Thread:
        if (sub, title) not in self.threads:
            self.threads[sub, title] = Thread(sub, title, self.rand.choice(STRANGERS))
        return self.threads[sub, title]

    def moment(self, member: Member, period: str, marker: str = "") -> datetime | None:
        """A time of day people post at, on a day of the period (race day is scripted) that
        fits the marker; None if none does (a third long run in a week, say)."""
        first, last = (START, RACE_DAY) if period == "before" else (SHIFT, END)
        names = [name for name in marker.split(",") if name]
        taken = [self.spaced.setdefault((member.handle, name), []) for name in names
                 if name in SPACED]
        for _ in range(300):
            day = first + timedelta(days=self.rand.randrange((last - first).days))
            hour = self.rand.choices(range(24), HOUR_WEIGHTS)[0]
            moment = day + timedelta(hours=hour, seconds=self.rand.randrange(3600))
            if (all(WHEN[name](moment) for name in names)
                    and all(abs(moment - t) > timedelta(days=3) for times in taken for t in times)):
                for times in taken:
                    times.append(moment)
                return moment
        return None

    def scripted(self) -> list[Said]:
        posts: list[Said] = []
        keyed: dict[str, Said] = {}
        for line in sorted(SCRIPT, key=lambda line: line["at"]):  # parents first
            member = BY_HANDLE[line["who"]]
            when = datetime.fromisoformat(line["at"]).replace(
                tzinfo=UTC, second=self.rand.randrange(60))
            if "mark" in line:
                self.spaced.setdefault((member.handle, line["mark"]), []).append(when)
            filled = self.fill(member, when, line.get("title", ""), line["text"])
            assert filled, f"SCRIPT: {line['text']!r} twice"
            title, text = filled
            parent: Said | Thread | None = None
            if "reply" in line:
                parent = keyed[line["reply"]]
                if member.platform == "x":
                    text = f"@{parent.member.handle} {text}"
            elif "thread" in line:
                parent = self.thread(*line["thread"])
            post = Said(member, line["cat"], text, when, title, line.get("sub", ""), parent)
            posts.append(post)
            if "key" in line:
                keyed[line["key"]] = post
        return posts

    def x_post(self, member: Member, period: str) -> Said:
        while True:
            kind = "steady" if self.rand.random() < 0.15 else period
            template = self.deal((member.lang, kind), X_POSTS[member.lang][kind], member.avoid)
            if template is None:
                continue
            marker, template = _when(template)
            when = self.moment(member, period, marker)
            filled = when and self.fill(member, when, template + self.rand.choice(X_EMOJI[kind]))
            if filled:
                break
        text = filled[0]
        if not member.lower:  # capitals where sentences start
            text = re.sub(r"(^|[.!?] )([a-z])", lambda m: m[1] + m[2].upper(), text)
        return Said(member, "no_brand", text, when)

    def reddit_post(self, member: Member, period: str) -> Said:
        lang = member.lang
        while self.rand.random() < SUBMISSION_SHARE and self.decks.get(("sub", lang, period)) != []:
            dealt = self.deal(("sub", lang, period), SUBMISSIONS[lang][period], member.avoid)
            if dealt is None:
                break
            sub, title, body = dealt
            marker, title = _when(title)
            when = self.moment(member, period, marker)
            if when:  # (else a comment instead; the submission is not posted)
                title, body = self.fill(member, when, title, body)  # each submission once
                return Said(member, "no_brand", body, when, title, sub)
        for _ in range(50):  # each comment once: a thread whose comments are used is passed over
            sub, title, comments = self.deal(("thread", lang, period), THREADS[lang][period])
            deck = self.decks.get(("comment", title))
            if deck is None or deck:
                break
        else:
            raise AssertionError(f"THREADS[{lang!r}][{period!r}]: every comment is used")
        when = self.moment(member, period)
        (text,) = self.fill(member, when, self.deal(("comment", title), comments))  # each once
        if "{" in title:  # another thread of the same kind ("Just ran a 44:10 10k")
            (title,) = self.fill(member, when, title)
        return Said(member, "no_brand", text, when, parent=self.thread(sub, title))

    def plan(self) -> list[Said]:
        posts = self.scripted()
        for member in MEMBERS:
            mine = [p for p in posts if p.member is member]
            before = max(0, member.posts // 2 - sum(p.period == "before" for p in mine))
            make = self.x_post if member.platform == "x" else self.reddit_post
            for i in range(member.posts - len(mine)):
                posts.append(make(member, "before" if i < before else "after"))
        for thread in self.threads.values():  # started a while before its first comment
            first = min(p.when for p in posts if p.parent is thread)
            thread.when = first - timedelta(seconds=self.rand.randint(600, 30 * 3600))
            thread.comments = self.rand.randint(4, 140)
        return sorted(posts, key=lambda p: p.when)


def plan(rand: random.Random) -> list[Said]:
    """Every post of the panel, oldest first."""
    return Planner(rand).plan()
