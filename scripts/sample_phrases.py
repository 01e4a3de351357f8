"""Data for ``scripts/make_sample.py``: everything the sample's people say, and how much of it.

Templates are ``str.format`` strings. Slots the generator fills (the same value every time a
slot repeats within one post):

- brands: ``{k}`` Kestrel named in a sentence, ``{kt}`` Kestrel tagged (a handle on X),
  ``{kp}`` the Kestrel Plus membership, ``{c}`` / ``{cm}`` one competitor and its membership;
- products: ``{product}`` ("Ridgeline 2P tent"), ``{ptype}``, ``{damage}``, ``{detail}``, the
  model names ``{tent}`` ``{jacket}`` ``{boots}`` ``{pack}`` ``{stove}``, sizes ``{size}``
  ``{wrong_size}`` ``{size_a}`` ``{size_b}``;
- logistics: ``{order}`` ``{days}`` ``{days_short}`` ``{days_short2}`` ``{weeks}`` ``{hours}``
  ``{hours_long}`` ``{date}`` ``{country}`` ``{carrier}`` ``{city}`` ``{fee}``;
- people: ``{hi}`` (greeting to the customer), ``{agent}``, ``{mountain}``, ``{reason}``,
  ``{creason}`` (why someone leaves a competitor).

Every template of a brand category names its brand (a Kestrel slot, or the literal name), so
the label's brands follow from the text; ``no_brand`` texts only use "kestrel" / "nimbus" inside
the exclusions of ``earful/default_config.toml`` (EXCLUDES below mirrors them).
"""
# ruff: noqa: E501 - templates stay one per line, however long

# --- Brand references ---------------------------------------------------------------------------
KESTREL = {
    "x": ["Kestrel", "Kestrel", "kestrel", "kestrel", "@KestrelGoods", "Kestrel Goods",
          "kestrel goods"],
    "r": ["Kestrel", "Kestrel", "kestrel", "Kestrel Goods"],
}
KESTREL_TAG = {
    "x": ["@KestrelHelp", "@KestrelHelp", "@KestrelGoods", "@KestrelHelp @KestrelGoods"],
    "r": ["u/KestrelGoods"],
}
KESTREL_PLUS = ["Kestrel Plus", "Kestrel Plus", "kestrel plus", "Kestrel+"]
COMPETITORS = {
    "Trovia": {"x": ["Trovia", "trovia", "@TroviaShop", "Trovia"], "r": ["Trovia", "trovia"],
               "member": ["Trovia Club", "trovia club"]},
    "Nimbus": {"x": ["Nimbus Market", "@NimbusMarket", "nimbus market", "Nimbus"],
               "r": ["Nimbus Market", "Nimbus", "nimbus"],
               "member": ["Nimbus Prime", "nimbus prime"]},
}
# The exclusions of earful/default_config.toml: a no_brand text may say "kestrel" or "nimbus"
# only inside one of these.
EXCLUDES = {
    "Kestrel": ["american kestrel", "kestrel falcon", "kestrel bird", "kestrel hovering",
                "kestrel nest", "kestrels"],
    "Nimbus": ["nimbus 2000", "nimbus 2001", "nimbus cloud", "nimbus clouds", "cumulonimbus"],
}

# --- Products -----------------------------------------------------------------------------------
PRODUCTS = {
    "tent": ["Ridgeline 2P", "Basecamp 4P", "Solo Ridge 1P", "Talon UL 2"],
    "jacket": ["Summit Shell", "Drift Down", "Stormline", "Alder Fleece", "Cirrus Insulated"],
    "boots": ["Talus Mid", "Scree GTX", "Larch Hiker"],
    "pack": ["Cairn 45L", "Alpine 30", "Windrose 60L", "Daybreak 22"],
    "stove": ["Ember Ti", "Glow 2", "Hearth Duo"],
}
TYPE_WORD = {"tent": "tent", "jacket": "jacket", "boots": "boots", "pack": "backpack",
             "stove": "stove"}
DAMAGE = {
    "tent": ["a snapped pole", "a tear right across the fly", "a broken door zip",
             "two pole sections missing"],
    "jacket": ["a ripped seam", "a broken main zip", "a big stain on the sleeve",
               "the hood toggle ripped off"],
    "boots": ["two left boots", "the sole peeling off", "a cracked heel counter",
              "a lace hook missing"],
    "pack": ["a snapped hip belt buckle", "a torn mesh pocket", "a bent frame sheet",
             "a strap stitched on upside down"],
    "stove": ["a cracked burner head", "a dead igniter", "a bent pot support",
              "no valve knob at all"],
}
DETAIL = {
    "tent": ["pitched it in 5 minutes", "zero condensation even at 2°C",
             "held up in 60km/h gusts", "so much room for a 2P"],
    "jacket": ["kept me dry through a full day of rain", "packs down to nothing",
               "breathes way better than my old one", "warm without being bulky"],
    "boots": ["no break-in needed at all", "zero blisters after 25km", "grippy on wet rock",
              "still waterproof after a river crossing"],
    "pack": ["carries 12kg like nothing", "the hip belt is so comfy",
             "every pocket is where you want it", "fits all my gear for 4 days"],
    "stove": ["boils a litre in 3 minutes", "works fine at altitude",
              "super stable with a big pot", "tiny and weighs nothing"],
}
SIZES = {
    "jacket": ["XS", "S", "M", "L", "XL", "XXL"],
    "boots": ["EU 41", "EU 42", "EU 43", "EU 44", "EU 45"],
}
MOUNTAINS = ["Ben Nevis", "Mt Rainier", "the Zugspitze", "Snowdon", "Mt Washington",
             "Mt Kosciuszko", "Half Dome", "Helvellyn", "Mt Taranaki", "Triglav", "Mt Fuji"]
AGENTS = ["MK", "JL", "Sam", "Priya", "Tomás", "Lina", "Ade", "Noor"]
REASONS = ["{weeks} weeks for a jacket", "second damaged tent this year",
           "customs fees every single time", "support never answers",
           "the refund took {days} days", "three late orders in a row"]
CREASONS = ["their returns are a nightmare", "prices went up again",
            "two lost parcels in a month", "support is a bot loop", "the membership fee doubled",
            "they stopped shipping to {country}"]

# (country, carrier, city, fee format, fee low, fee high) per language; the names fit the
# language's own templates ("a México", "en France", "nach Deutschland", "no Brasil").
COUNTRIES = {
    "en": [("Germany", "DHL", "Munich", "€{}", 18, 65), ("the UK", "Royal Mail", "Leeds", "£{}", 15, 48),
           ("Canada", "Canada Post", "Calgary", "C${}", 20, 70),
           ("Australia", "Australia Post", "Brisbane", "A${}", 25, 80),
           ("France", "La Poste", "Lyon", "€{}", 18, 60), ("Ireland", "An Post", "Cork", "€{}", 16, 55),
           ("the Netherlands", "PostNL", "Utrecht", "€{}", 15, 50),
           ("Sweden", "PostNord", "Uppsala", "{} SEK", 180, 600),
           ("New Zealand", "NZ Post", "Wellington", "NZ${}", 25, 75),
           ("Norway", "Posten", "Bergen", "{} NOK", 200, 650),
           ("Switzerland", "Swiss Post", "Bern", "CHF {}", 20, 70),
           ("the US", "USPS", "Denver", "${}", 12, 40), ("Japan", "Japan Post", "Sapporo", "¥{:,}", 2000, 8000),
           ("Poland", "InPost", "Kraków", "{} zł", 60, 220),
           ("Singapore", "SingPost", "Singapore", "S${}", 15, 45)],
    "es": [("México", "Estafeta", "Monterrey", "${:,} MXN", 400, 1500),
           ("España", "Correos", "Valencia", "{} €", 18, 60),
           ("Chile", "Chilexpress", "Santiago", "${:,} CLP", 15000, 60000),
           ("Argentina", "Correo Argentino", "Córdoba", "US${}", 20, 90),
           ("Colombia", "Servientrega", "Medellín", "${:,} COP", 80000, 300000)],
    "fr": [("France", "La Poste", "Lyon", "{} €", 18, 60), ("France", "Colissimo", "Nantes", "{} €", 18, 60),
           ("Belgique", "bpost", "Liège", "{} €", 18, 55),
           ("Suisse", "La Poste suisse", "Lausanne", "{} CHF", 20, 70)],
    "de": [("Deutschland", "DHL", "München", "{} €", 18, 65),
           ("Deutschland", "Hermes", "Leipzig", "{} €", 18, 65),
           ("Österreich", "Post AG", "Graz", "{} €", 18, 60)],
    "pt": [("Brasil", "Correios", "Curitiba", "R$ {}", 80, 350),
           ("Brasil", "Correios", "Belo Horizonte", "R$ {}", 80, 350),
           ("Brasil", "Jadlog", "Recife", "R$ {}", 80, 350)],
    "it": [("Italia", "Poste Italiane", "Torino", "{} €", 18, 60),
           ("Italia", "BRT", "Bologna", "{} €", 18, 60), ("Italia", "SDA", "Milano", "{} €", 18, 60)],
    "ja": [("日本", "日本郵便", "札幌", "{:,}円", 2000, 8000), ("日本", "ヤマト運輸", "大阪", "{:,}円", 2000, 8000),
           ("日本", "佐川急便", "福岡", "{:,}円", 2000, 8000)],
}
MONTHS = {
    "en": "Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec".split(),
    "es": "enero febrero marzo abril mayo junio julio agosto septiembre octubre noviembre diciembre".split(),
    "fr": "janvier février mars avril mai juin juillet août septembre octobre novembre décembre".split(),
    "it": "gennaio febbraio marzo aprile maggio giugno luglio agosto settembre ottobre novembre dicembre".split(),
}
DATE_FORMAT = {"en": "{mon} {d}", "es": "{d} de {mon}", "fr": "{d} {mon}", "de": "{d}.{m}.",
               "pt": "{d}/{m}", "it": "{d} {mon}", "ja": "{m}月{d}日"}
HI = {
    "en": ["Hi {first},", "Hey {first},", "Hi {first}!", "Hi there,"],
    "es": ["Hola {first},", "¡Hola {first}!"], "fr": ["Bonjour {first},"],
    "de": ["Hallo {first},", "Hi {first},"], "pt": ["Oi {first},", "Olá {first},"],
}

# --- English posts, composed: opening + core + closing -------------------------------------------
# Cores carry the brand; openings and closings only add voice. Closings with "#" are X-only.
EN_PARTS = {
    "complaint": (
        ["", "", "", "", "", "ok so ", "ugh. ", "seriously?? ", "day {days}: ", "update: ",
         "not to be dramatic but ", "psa: ", "honestly ", "so ", "welp. ", "third time asking: "],
        ["my {k} order {order} has been stuck in transit for {days} days",
         "{k} order {order} still says 'label created'. it's been {days} days",
         "ordered the {product} from {k} on {date} and tracking hasn't moved since",
         "{carrier} says my {k} parcel is held at customs in {country}. day {days}",
         "got hit with {fee} in customs fees on a {k} order nobody warned me about",
         "{k} checkout said duties included for {country}. {carrier} just asked me for {fee}",
         "my {product} from {k} arrived with {damage}",
         "the {product} I ordered from {k} showed up in a crushed box with {damage}",
         "{k} sent me the {product} in {wrong_size}. I ordered {size}",
         "wrong size again from {k}. ordered {size}, got {wrong_size}. second time",
         "returned the {product} to {k} {days} days ago and still no refund",
         "{k} refund has been 'processing' for {days} days. how long does it take to click a button",
         "paid for {kp} priority shipping and my {product} is on day {days}",
         "3 emails to {k} support about order {order}, zero replies",
         "{k} tracking for {order} has said 'in transit to {country}' for {days} days straight",
         "why does {k} ship to {country} with {carrier} if it takes {weeks} weeks",
         "{kp} is supposed to mean priority shipping. order {order} says otherwise",
         "{k} says my parcel was delivered. it was not. {carrier} says talk to {k}",
         "still waiting on my {k} refund for the {product} i sent back on {date}",
         "{k} chat bot keeps closing my ticket about {order} without an answer",
         "{carrier} has had my {k} package sitting in {city} for {days} days and nobody knows why",
         "charged twice for order {order} by {k} and nobody is answering",
         "{k} split my order into 3 parcels and only 1 has turned up",
         "ordered from {k} for a trip on {date}. the trip happened. the {ptype} didn't",
         "{days} days for a refund on a {kp} order is not ok {kt}",
         "customs in {country} want {fee} before they release my {k} parcel",
         "the {product} is a great design but mine from {k} came with {damage}",
         "{k} marked my return as received on {date} and then nothing. no refund, no email",
         "{k} emailed that order {order} is 'delayed due to a carrier issue'. no new date",
         "my {k} parcel went {country} → back to the warehouse → nowhere. {days} days",
         "{k} support asked me for photos of the damaged {ptype} for the third time",
         "been on hold with {k} for 40 min about order {order}",
         "{k} shipping to {country} used to take a week. now it's {weeks} weeks and counting",
         "{k} lost my parcel and wants ME to file the claim with {carrier}",
         "my {kp} free returns label doesn't work and support won't send a new one",
         "tracking on my {k} order jumped from {country} back to Shenzhen?? day {days}",
         "{k} refunded the {product} but kept the {fee} shipping. why"],
        ["", "", "", "", "", " 😤", " 😡", " 🙄", ". anyone else?", ". anyone else having this??",
         ". ridiculous", ". not impressed", ". please sort this out {kt}", " {kt}", " {kt} ??",
         " #kestrelgoods", ". this is getting old", ". absolutely unreal", ". i just want my stuff",
         " #customerservice", ". worst support i've dealt with"],
    ),
    "praise": (
        ["", "", "", "", "ngl ", "ok ", "honestly ", "not sponsored but ", "small win: ",
         "10/10, ", "update: "],
        ["the {product} from {k} is honestly so good, {detail}",
         "{k} shipping to {country} took {days_short} days. way faster than i expected",
         "shoutout to {k} support, swapped my {product} for another size no questions asked",
         "two nights of rain in the {product} and bone dry. {k} makes good stuff",
         "{kp} paid for itself already, free returns saved me on boots",
         "the {product} from {k} is my new favourite thing",
         "third order from {k} and never had an issue. packaging is great too",
         "{k} support replied in 20 minutes. on a sunday",
         "took the {product} up {mountain} last weekend, {detail}. thanks {k}",
         "customs was prepaid on my {k} order to {country}, zero surprises",
         "finally a {ptype} that actually fits. well done {k}",
         "my {k} {ptype} arrived in {days_short} days with a handwritten note",
         "{k} refunded me before the return even arrived. that's how you keep customers",
         "the {product} is worth every cent. {k} quality is legit",
         "been using the {product} from {k} for a year now, still looks new",
         "{k} packaging is all paper, no plastic. small thing but i noticed",
         "the {product} fits true to size, the {k} size chart is spot on",
         "{k} restocked the {product} in my size and it got here in {days_short} days"],
        ["", "", "", " 🙌", " ⛺️", " 🏔️", " ❤️", " #kestrelgoods", ". would recommend", " 👏👏",
         " ✨", ". {kt} you rock", " #hiking #gear"],
    ),
    "question": (
        ["", "", "", "", "quick q: ", "question: ", "hey, ", "ok dumb question but ", "help: "],
        ["does {k} ship to {country}? and are customs fees included?",
         "how does the {k} {jacket} jacket run? i'm between {size_a} and {size_b}",
         "anyone know if {k} charges import duties for {country}?",
         "{kt} hi, order {order} hasn't updated since {date}, can you check?",
         "is the {tent} from {k} ok for winter camping or just 3-season?",
         "does {kp} include free returns on international orders?",
         "how long does {k} usually take to ship to {country}?",
         "{kt} can i change the delivery address on {order}? i moved last week",
         "anyone ordered {k} boots? do the {boots} fit wide feet?",
         "is {kp} worth it if i only order twice a year?",
         "{kt} any restock date for the {product}?",
         "where is order {order}? tracking shows nothing {kt}",
         "does the {k} {pack} fit as airline carry-on?",
         "what's the return window on {k} orders outside the US?",
         "can you share {kp} with family? asking before i sign up",
         "does the {stove} stove from {k} take standard screw-on canisters?",
         "{kt} is the {product} shipping from the EU warehouse or from Shenzhen now?",
         "anyone know which carrier {k} uses for {country}?",
         "does {k} do student discounts?",
         "how warm is the {k} {jacket}? thinking of it for {country} in december"],
        ["", "", "", " thanks!", " 🙏", " thx", " anyone?", " #kestrelgoods"],
    ),
    "churn_threat": (
        ["", "", "", "ok. ", "enough. ", "after this week: "],
        ["cancelling my {kp} membership. {days} days for a parcel is not priority anything",
         "just cancelled {kp}. done with {k}",
         "done with {k}. {reason}. switching to {c}",
         "i'm switching to {c}. {k} just lost a customer",
         "how do i cancel {kp}? can't find it in the app and i'm done after this delay",
         "{kt} how do i cancel my membership? not renewing after this",
         "cancelled {kp} today. {c} got my order to {country} in {days_short} days, {k} couldn't in {days}",
         "never ordering from {k} again. {reason}",
         "deleted my {k} account. last order took {weeks} weeks and came with {damage}",
         "moving all my gear shopping to {c}. bye {k}",
         "not renewing {kp}. three late orders in a row is enough",
         "asked for a refund and cancelled my {kp} sub. {k} you had a good thing going",
         "{k} i'm out. {reason}",
         "cancelled my {kp} and ordered the same {ptype} from {c}"],
        ["", "", "", " 👋", " ✌️", ". bye", " #kestrelgoods", " {kt}"],
    ),
    "churn_hypothetical": (
        ["", "", "", "honestly ", "fair warning: "],
        ["one more delay and i'm out {kt}",
         "if order {order} isn't here by friday i'm cancelling {kp}",
         "{k} if this refund doesn't land this week i'm switching to {c}",
         "next time {k} sends me the wrong size i'm done",
         "{kp} renews in december. if the delays keep up it won't be renewed",
         "one more 'we're looking into it' email from {k} and i'm taking my money to {c}",
         "if {k} keeps charging customs to {country} i'll cancel my membership",
         "{kt} fix this by the weekend or i'm cancelling",
         "if my {product} doesn't show up before my trip, that's the end of {kp} for me"],
        ["", "", "", " 😤", ". your call {kt}", " #kestrelgoods"],
    ),
    "churn_negated": (
        ["", "", "", "update: ", "for the record, "],
        ["not cancelling, support fixed it in a day 🙌 {kt}",
         "was ready to cancel {kp} but {k} sorted the refund in 24h. staying",
         "i'm NOT leaving {k}, they replaced the {product} no questions asked",
         "nvm, not cancelling {kp}. the parcel showed up this morning and support gave me a credit",
         "thought about switching to {c} but {k} support turned it around. keeping my membership",
         "not cancelling my {kp} after all, {k} refunded the customs fees",
         "staying with {k}. the delay sucked but they owned it and refunded shipping",
         "people asking if i cancelled {kp} after the delay: no, {k} made it right"],
        ["", "", "", " 🙌", " 💚", " #kestrelgoods"],
    ),
    "competitor_churn": (
        ["", "", "", "ok ", "officially: "],
        ["cancelled {cm}, switching to {k}",
         "done with {c}. {creason}. trying {k} next",
         "cancelled my {cm} today. {creason}",
         "leaving {cm} after 3 years, {creason}. anyone tried {kp}?",
         "{c} lost me. {creason}. ordered from {k} instead",
         "not renewing {cm}. {k} ships to {country} faster anyway",
         "bye {c} 👋 {creason}",
         "just moved from {cm} to {kp}. {creason}"],
        ["", "", "", " ✌️", ". good riddance"],
    ),
    "competitor_talk": (
        ["", "", "", "ngl ", "honestly ", "hot take: "],
        ["{c} got my tent to {country} in {days_short} days, impressive",
         "the Arc 2 tent from {c} is lighter than i expected",
         "{cm} free shipping is kinda great",
         "{c} order still not here after {days} days",
         "{c} support hung up on me twice lol",
         "{cm} price went up again?",
         "{k} vs {c} for tents? mostly doing 2-3 night trips",
         "anyone compared {kp} and {cm}? i ship to {country}",
         "{k} or {c} for a winter jacket? budget is around 200",
         "ordered the same boots from {k} and {c} to compare sizing. {c} runs small",
         "{c} is cheaper but {k} gear lasts longer imo",
         "{c} just launched a 60L pack that looks a lot like the {k} {pack}",
         "{c} sale this weekend, 30% off stoves",
         "{c} and {k} are the same stuff from the same factory, change my mind",
         "{c} packaging is so wasteful, 3 boxes for one headlamp"],
        ["", "", "", " 🤔", " #camping", " #gear"],
    ),
    "sarcasm": (
        ["", "", "", "", "wow. ", "lol. "],
        ["great, my {k} 'express' delivery is on week {weeks}. love it 🙃",
         "love paying for {kp} 'priority shipping' so my parcel can nap in a warehouse for {days} days 🙃",
         "wow {k} really outdid themselves. tent arrived in only {weeks} weeks and with only one snapped pole 👏👏",
         "10/10 would wait {days} days for a jacket again. thanks {k} 🙃",
         "nothing says premium like {kp} tracking that hasn't moved since {date} ✨",
         "so glad i paid {fee} in customs for my {k} order. what a bargain",
         "{k} 'we ship fast'. sure, if {weeks} weeks is fast 🤡",
         "amazing how {k} can take my money in 2 seconds but a refund takes {days} days",
         "oh cool, another 'your order is on its way' email from {k}. it's been on its way since {date} 🙂",
         "thank you {k} for teaching me patience. day {days} 🧘",
         "nice of {k} to send my boots on a scenic world tour before delivering them 🌍"],
        ["", "", "", " #kestrelgoods", " {kt}"],
    ),
}

# English replies only: reacting to someone else's post in a thread.
REPLY_EXTRA = {
    "complaint": ["same here, {k} order {order} stuck since {date}",
                  "mine's been sitting in {city} for {days} days. {k} support says 'soon'",
                  "{k} did the exact same thing to me in october",
                  "same. {days} days with {k} and no update",
                  "this is exactly what happened with my {k} order to {country}",
                  "+1, {k} hasn't answered me either",
                  "you're not alone, my {product} from {k} came with {damage} too",
                  "same boat. {k} support just sends the same copy-paste reply"],
    "praise": ["mine from {k} arrived fine fwiw, took {days_short} days to {country}",
               "had the opposite experience, {k} support sorted me out in a day",
               "for balance: my last 4 {k} orders were all on time"],
    "question": ["did {k} ever tell you which carrier it's with?",
                 "how long did {k} take to answer you?",
                 "did you pay the customs or refuse the parcel? {k} order here too"],
    "churn_threat": ["this is why i cancelled {kp} last week",
                     "same boat, already switched to {c}. bye {k}",
                     "that's exactly why i'm done with {k}. {c} from now on",
                     "yep, cancelling {kp} tonight. not waiting for this to happen to me too"],
    "sarcasm": ["only {weeks} weeks? {k} must like you 🙃",
                "at least {k} is consistent 🙂"],
}

# --- Other languages and fixed-form categories ------------------------------------------------------
SHORT = {
    "complaint": {
        "es": ["Llevo {days} días esperando mi pedido {order} de {k} y el seguimiento no se mueve 😤",
               "{kt} mi paquete lleva {days} días retenido en aduana, ¿alguien me explica?",
               "Me llegó la tienda {tent} de {k} con una varilla rota. Qué decepción",
               "{k} me cobró {fee} de aduana cuando decía envío con impuestos incluidos. No puede ser",
               "Devolví las botas {boots} hace {days} días y {k} todavía no me reembolsa",
               "pedí talla M y {k} me mandó XL. otra vez. {kt}",
               "{carrier} dice que entregó mi pedido de {k}. Mentira, no llegó nada"],
        "fr": ["Ça fait {days} jours que j'attends ma commande {order} chez {k}, le suivi ne bouge plus 😤",
               "{kt} mon colis est bloqué à la douane depuis {days} jours, quelqu'un peut m'expliquer ?",
               "Reçu la tente {tent} de {k} avec un arceau cassé. Franchement décevant",
               "{k} m'a fait payer {fee} de frais de douane alors que c'était annoncé droits inclus. Sérieusement ?",
               "Toujours pas remboursé par {k}, retour envoyé il y a {days} jours",
               "{carrier} dit que mon colis {k} est livré. Rien dans ma boîte aux lettres."],
        "de": ["Warte seit {days} Tagen auf meine {k} Bestellung {order}. Sendungsverfolgung steht still 😤",
               "{kt} mein Paket hängt seit {days} Tagen beim Zoll. Was ist da los?",
               "Zelt {tent} von {k} kam mit gebrochener Stange an. Echt enttäuschend",
               "{k} hat mir {fee} Zollgebühren berechnet, obwohl 'Zoll inklusive' dranstand. Frechheit",
               "Rücksendung vor {days} Tagen, immer noch keine Erstattung von {k}",
               "Größe M bestellt, XL bekommen. Zum zweiten Mal, {k}. {kt}"],
        "pt": ["Tô esperando meu pedido {order} da {k} há {days} dias e o rastreio não atualiza 😤",
               "{kt} meu pacote tá parado na alfândega há {days} dias, alguém me ajuda?",
               "A barraca {tent} da {k} chegou com uma vareta quebrada. Que decepção",
               "{k} me cobrou {fee} de taxa de importação. Não era com imposto incluso?",
               "Devolvi as botas {boots} há {days} dias e nada de reembolso da {k}"],
        "it": ["Aspetto il mio ordine {order} di {k} da {days} giorni, il tracking è fermo 😤",
               "{kt} il mio pacco è bloccato in dogana da {days} giorni, qualcuno mi spiega?",
               "La tenda {tent} di {k} è arrivata con un palo rotto. Che delusione",
               "{k} mi ha fatto pagare {fee} di dogana. Non doveva essere tutto incluso?"],
        "ja": ["Kestrelの注文、もう{days}日経つのに届かない…追跡も止まったまま😢",
               "{kt} 荷物が税関で{days}日止まってます。どうなってるの？",
               "Kestrel Goodsで買ったテント{tent}、ポールが折れて届いた。ショック",
               "@KestrelGoods から関税{fee}請求された。関税込みって書いてあったのに"],
    },
    "praise": {
        "es": ["La chaqueta {jacket} de {k} es una maravilla, aguantó toda la lluvia en la sierra",
               "Pedido de {k} a {country} en {days_short} días y sin pagar aduana. Así sí 👏",
               "Súper recomendable la mochila {pack} de {k} 🏔️",
               "El soporte de {k} me cambió las botas sin preguntas. 10/10"],
        "fr": ["La veste {jacket} de {k} est top, sèche après une journée sous la pluie 👌",
               "Livraison {k} en {days_short} jours jusqu'à {city}, rien à dire 👏",
               "Le SAV de {k} m'a échangé les chaussures sans discuter. Bravo"],
        "de": ["Die {jacket} Jacke von {k} ist richtig gut, nach 6 Stunden Regen trocken 👌",
               "Lieferung von {k} nach {country} in {days_short} Tagen, ohne Zollstress. Top!",
               "Der Kundenservice von {k} hat die Schuhe sofort getauscht. Danke!"],
        "pt": ["A jaqueta {jacket} da {k} é sensacional, aguentou chuva o dia todo 👏",
               "Pedido da {k} chegou em {days_short} dias em {city}, sem taxa. Amei",
               "Mochila {pack} da {k} é muito confortável, recomendo demais"],
        "it": ["La giacca {jacket} di {k} è fantastica, asciutta dopo un giorno intero di pioggia 👌",
               "Ordine {k} arrivato a {city} in {days_short} giorni. Bravi!",
               "Lo zaino {pack} di {k} è comodissimo, consigliato 🏔️"],
        "ja": ["Kestrel Goods のテント{tent}、設営も簡単で最高でした⛺️",
               "@KestrelGoods のザック{pack}、背負い心地が良くて長時間でも疲れない🏔",
               "Kestrelのサポート、返品対応がめちゃくちゃ早かった。ありがとう！",
               "@KestrelGoods のジャケット{jacket}、雨の中でも全然濡れなかった。買ってよかった",
               "Kestrel、日本まで{days_short}日で届いた！早い"],
    },
    "question": {
        "es": ["¿{k} envía a {country}? ¿Hay que pagar aduana?",
               "¿Qué talla de la chaqueta {jacket} me recomiendan? Mido 1,75 😅 {kt}",
               "{kt} hola, mi pedido {order} no se actualiza desde el {date}, ¿me pueden ayudar?",
               "¿Vale la pena {kp} si vivo en {country}?"],
        "fr": ["{k} livre en {country} ? Et il y a des frais de douane ?",
               "{kt} bonjour, ma commande {order} n'a pas bougé depuis le {date}, vous pouvez vérifier ?",
               "La veste {jacket} de {k} taille grand ou petit ? J'hésite entre M et L",
               "{kp}, ça vaut le coup depuis la France ?"],
        "de": ["Liefert {k} nach {country}? Und fallen Zollgebühren an?",
               "{kt} Hallo, meine Bestellung {order} hat sich seit dem {date} nicht bewegt. Könnt ihr nachschauen?",
               "Fällt die {jacket} von {k} groß oder klein aus? Schwanke zwischen M und L",
               "Lohnt sich {kp} in {country}?"],
        "pt": ["A {k} entrega no {country}? Paga taxa de importação?",
               "{kt} oi, meu pedido {order} não atualiza desde {date}, podem verificar?",
               "A jaqueta {jacket} da {k} veste grande ou pequeno?"],
        "it": ["{k} spedisce in {country}? Ci sono costi di dogana?",
               "{kt} ciao, il mio ordine {order} non si aggiorna dal {date}, potete controllare?"],
        "ja": ["Kestrel Goods って日本に発送してくれる？関税いくらくらいかかるんだろう",
               "@KestrelGoods のジャケット{jacket}、サイズ感どうですか？普段Mです"],
    },
    "churn_threat": {
        "es": ["Cancelo mi membresía {kp}. {days} días esperando y nadie responde. Me paso a {c}",
               "Se acabó, me voy de {k}. Nunca más compro ahí",
               "¿Cómo cancelo {kp}? Ya me cansé de los retrasos",
               "Adiós {k}, cancelé {kp} hoy mismo. Tres pedidos tarde seguidos es demasiado"],
        "fr": ["Je résilie mon abonnement {kp}. Trois semaines de retard, ras-le-bol. Je passe chez {c}",
               "C'est fini {k}. Je ne commanderai plus jamais chez vous",
               "Comment on résilie {kp} ? Je ne trouve pas l'option et j'en ai marre des retards"],
        "de": ["Ich kündige mein {kp} Abo. Drei Wochen auf die Jacke gewartet und dann noch {fee} Zoll. Reicht.",
               "Schluss mit {k}. Ich bestelle ab jetzt bei {c}",
               "Wie kündige ich {kp}? Nach dieser Verspätung bin ich raus"],
        "pt": ["Vou cancelar meu {kp}, chega. Pedido parado na alfândega há {days} dias",
               "Cansei da {k}. Cancelei o {kp} e vou comprar na {c}",
               "Como cancelo o {kp}? Depois desse atraso não quero mais"],
        "it": ["Disdico {kp}. Basta ritardi, passo a {c}"],
    },
    "churn_hypothetical": {
        "es": ["Si mi pedido no llega esta semana, cancelo {kp}. {kt}",
               "Un retraso más y me voy a {c}, {k}"],
        "fr": ["Encore un retard et je résilie {kp}. {kt}",
               "Si ma commande n'arrive pas vendredi, je passe chez {c}. {k}"],
        "de": ["Wenn das nochmal passiert, kündige ich {kp}. {kt}",
               "Noch eine Verspätung und ich wechsle zu {c}, {k}"],
        "pt": ["Se o pedido não chegar essa semana eu cancelo o {kp}. {kt}"],
    },
    "churn_negated": {
        "es": ["Al final no cancelo {kp}: el soporte de {k} me lo solucionó en un día 🙌",
               "No me voy de {k} al final: me devolvieron el envío y el pedido llegó ayer"],
        "fr": ["Finalement je ne résilie pas {kp}, le SAV de {k} a tout réglé en 24h 🙌",
               "Je ne quitte pas {k} finalement, ils ont remboursé les frais de douane"],
        "de": ["Kündige {kp} doch nicht, der Support von {k} hat alles in einem Tag gelöst 🙌",
               "Ich bleibe doch bei {k}, die Erstattung kam heute. Danke!"],
        "pt": ["Não vou cancelar o {kp}, o suporte da {k} resolveu tudo em um dia 🙌",
               "Fico com a {k} sim, resolveram o reembolso rapidinho"],
    },
    "competitor_churn": {
        "es": ["Cancelé {cm}, me paso a {k}. Los envíos de {c} a {country} eran eternos"],
        "fr": ["J'ai résilié {cm}, je passe chez {k}. Leurs retours étaient une galère"],
        "de": ["{cm} gekündigt, ich probiere jetzt {k}. Die Retouren bei {c} waren ein Albtraum"],
        "pt": ["Cancelei o {cm}, agora vou de {k}"],
    },
    "competitor_talk": {
        "es": ["¿{k} o {c} para una tienda de campaña? Presupuesto ~200€",
               "{c} me mandó el pedido en 4 días, impresionante"],
        "fr": ["{k} ou {c} pour une tente 2 places ? Des avis ?",
               "Commande {c} reçue en 5 jours, franchement bien"],
        "de": ["{k} oder {c} für ein Trekkingzelt? Erfahrungen?"],
        "pt": ["{k} ou {c} pra barraca? Alguém já comparou?"],
        "it": ["{k} o {c} per una tenda da trekking? Consigli?"],
        "ja": ["Kestrel と Trovia、テント買うならどっち？",
               "Nimbus Market のセールより Kestrel の方が結局安かった"],
    },
    "sarcasm": {
        "es": ["Qué maravilla, mi envío 'exprés' de {k} va por la semana {weeks} 🙃"],
        "fr": ["Génial, ma livraison 'express' {k} en est à sa {weeks}e semaine. Merci 🙃"],
        "de": ["Super, meine 'Express'-Lieferung von {k} ist jetzt in Woche {weeks}. Großartig 🙃"],
    },
    "spam": {
        "en": ["DM for cheap {k} coupons 💰💰 70% off any order, legit",
               "🔥 {k} discount codes 80% OFF 🔥 link in bio, limited!!",
               "🚀 $KSTR airdrop is LIVE 🚀 first 500 wallets get 2,000 tokens, connect at kstr-drop[.]app @KestrelGoods @TroviaShop @NimbusMarket",
               "earn $500/day from home 💸💸 ask me how #kestrelgoods #trovia",
               "free {kp} accounts 🎁 dm me PLUS 🎁",
               "selling {k} gift cards at 50% of face value, paypal/crypto, dm 📩",
               "claim your free Trovia Club year 🎁👉 trovia-gift[.]top #trovia",
               "BTC giveaway 🎉 send 0.01 get 0.1 back!! #kestrelgoods",
               "{k} $200 voucher winners announced 🎉 check if you won 👉 bit[.]ly/kg-win",
               "cheap {k} tents wholesale, factory direct, whatsapp +86 138 0000 1234",
               "💰 Nimbus Prime lifetime for $9.99 💰 dm me"],
        "es": ["Cupones {k} con 70% de descuento 💰 escríbeme por DM"],
    },
}
# Emoji with a tag and nothing else: X calls them "und".
EMOJI_ONLY = {
    "complaint": ["😡😡 @KestrelHelp", "@KestrelHelp 😤😤😤", "🤬📦 @KestrelGoods",
                  "😭😭😭 #kestrelgoods", "@KestrelGoods 👎👎", "📦❌⏳ @KestrelHelp"],
    "praise": ["🔥🔥🔥 @KestrelGoods ⛺️", "❤️❤️ #kestrelgoods", "@KestrelGoods 🙌🙌🏔️"],
}

# A customer answering the brand's support reply. Templates without a Kestrel slot rely on the
# reply's leading @KestrelHelp on X, so Reddit uses only those with one.
FOLLOW_UP = {
    "complaint": {
        "en": ["sent the DM {hours} hours ago, still nothing", "it's {order}. third time i've sent it",
               "DM'd you. tracking still says the same as last week",
               "you said 24h. it's been {hours_long}",
               "a DM doesn't fix a parcel that's been stuck for {days} days",
               "sent the DM {hours} hours ago, still nothing from {k}",
               "already gave {k} the order number twice. nobody replies"],
        "es": ["Ya les mandé DM hace {hours} horas y nada", "Es el {order}. Es la tercera vez que lo mando"],
        "fr": ["DM envoyé il y a {hours} heures, toujours rien"],
        "de": ["DM vor {hours} Stunden geschickt, immer noch nichts"],
        "pt": ["Mandei DM há {hours} horas e nada"],
    },
    "praise": {
        "en": ["thank you!! refund just landed 🙌", "replacement arrived today, you guys rock",
               "that was fast, thanks {agent}!", "sorted, appreciate it 🙏",
               "got the tracking update, thank you!",
               "thanks, {k} sorted it within the hour. credit where due",
               "update: {k} refunded me. appreciate it"],
        "es": ["¡Gracias! Ya me llegó el reembolso 🙌"], "fr": ["Merci, remboursement reçu 🙌"],
        "de": ["Danke, Erstattung ist da 🙌"], "pt": ["Valeu! Reembolso caiu 🙌"],
    },
    "churn_negated": {
        "en": ["ok you saved it, not cancelling my membership after all 🙌",
               "fine, i'm staying. thanks for fixing it so fast",
               "was about to cancel, glad i didn't. thanks {agent}",
               "ok, not cancelling {kp} then. thanks for sorting it"],
        "es": ["Bueno, al final no cancelo. Gracias por resolverlo tan rápido"],
        "fr": ["Bon, je ne résilie pas finalement. Merci pour la rapidité"],
        "de": ["Ok, ich kündige doch nicht. Danke für die schnelle Hilfe"],
        "pt": ["Beleza, não vou cancelar mais. Obrigado pela rapidez"],
    },
    "churn_threat": {
        "en": ["no. cancel my membership, i'm done", "don't need a DM, need my parcel. cancelling today",
               "too late, already ordered from {c}. cancel my {kp} please"],
        "es": ["No, cancelen mi membresía. Ya me cansé"], "fr": ["Non, résiliez mon abonnement s'il vous plaît."],
        "de": ["Nein danke, kündigt einfach mein Abo."], "pt": ["Não, cancela minha assinatura, cansei"],
    },
    "question": {
        "en": ["done, sent a DM. how long does an escalation usually take?",
               "can you just tell me if it's lost or not?", "sent. will i get the shipping refund too?",
               "DM sent. does {kp} cover the customs i already paid?"],
        "es": ["Listo, les mandé DM. ¿Cuánto tarda?"], "fr": ["C'est envoyé. Ça prend combien de temps ?"],
        "de": ["Erledigt. Wie lange dauert das ungefähr?"], "pt": ["Mandei. Quanto tempo demora?"],
    },
}

# The brand's own replies, by situation and language (ja/it customers get English).
SUPPORT = {
    "sorry": {
        "en": ["{hi} so sorry about this. Could you DM us your order number? We'll chase {carrier} and the Kestrel team will get back to you today. ^{agent}",
               "{hi} that's not the Kestrel experience we want for you. Please DM us a photo and your order number and we'll send a replacement. ^{agent}",
               "{hi} we know the Nov 4 carrier backlog has hit a lot of Kestrel orders, and we're sorry yours is one of them. DM us and we'll check it now. ^{agent}",
               "{hi} sorry for the wait! Kestrel Plus orders should be duty-paid, so please DM us the {carrier} receipt and we'll refund it. ^{agent}"],
        "es": ["{hi} lo sentimos mucho. ¿Nos mandas tu número de pedido por DM? Lo revisamos con {carrier} hoy mismo. ^{agent}, equipo Kestrel"],
        "fr": ["{hi} vraiment désolés. Pouvez-vous nous envoyer votre numéro de commande en DM ? On relance {carrier} aujourd'hui. ^{agent}, équipe Kestrel"],
        "de": ["{hi} das tut uns wirklich leid. Schick uns bitte deine Bestellnummer per DM, wir haken heute bei {carrier} nach. ^{agent}, Team Kestrel"],
        "pt": ["{hi} sentimos muito. Manda o número do pedido por DM? A gente verifica com a {carrier} hoje. ^{agent}, time Kestrel"],
    },
    "answer": {
        "en": ["{hi} yes, Kestrel ships to {country}! Usually {days_short}–{days_short2} business days, and duties are included at checkout. ^{agent}",
               "{hi} good question! Kestrel orders to {country} go with {carrier}, usually {days_short}–{days_short2} days, and every product page has a size guide. Anything else, just DM us. ^{agent}",
               "{hi} we've checked your order: it's with {carrier} and should move in the next 48h. The Kestrel team will email you the new date. ^{agent}",
               "{hi} Kestrel Plus includes free returns worldwide, just start one from your account page. ^{agent}"],
        "es": ["{hi} ¡sí! Kestrel envía a {country} en {days_short}–{days_short2} días hábiles, con impuestos incluidos. ^{agent}"],
        "fr": ["{hi} oui, Kestrel livre en {country} en {days_short} à {days_short2} jours ouvrés, droits de douane inclus. ^{agent}"],
        "de": ["{hi} ja, Kestrel liefert nach {country}, meist in {days_short}–{days_short2} Werktagen, Zoll inklusive. ^{agent}"],
        "pt": ["{hi} sim! A Kestrel entrega no {country} em {days_short} a {days_short2} dias úteis, com impostos inclusos. ^{agent}"],
    },
    "cancel": {
        "en": ["{hi} sorry to hear that. You can cancel Kestrel Plus under Account > Membership > Cancel. If there's anything we can fix first, DM us. ^{agent}",
               "{hi} we'd hate to lose you. Before you cancel Kestrel Plus, can we look at the order that went wrong? DM us the number. ^{agent}"],
        "es": ["{hi} lamentamos leerlo. Puedes cancelar Kestrel Plus en Cuenta > Membresía > Cancelar. Si podemos arreglar algo antes, escríbenos por DM. ^{agent}"],
        "fr": ["{hi} désolés de lire ça. Vous pouvez résilier Kestrel Plus dans Compte > Abonnement > Résilier. Si on peut d'abord régler le problème, écrivez-nous en DM. ^{agent}"],
        "de": ["{hi} schade, das zu lesen. Kündigen kannst du Kestrel Plus unter Konto > Mitgliedschaft > Kündigen. Wenn wir vorher etwas lösen können, schreib uns per DM. ^{agent}"],
        "pt": ["{hi} que pena. Você pode cancelar o Kestrel Plus em Conta > Assinatura > Cancelar. Se pudermos resolver algo antes, manda DM. ^{agent}"],
    },
    "thanks": {
        "en": ["{hi} this made our day! Thanks for choosing Kestrel 💚 ^{agent}",
               "{hi} love to hear it. Enjoy the trip and send pics! The Kestrel team 💚"],
        "es": ["{hi} ¡gracias! Nos alegra mucho 💚 Equipo Kestrel"],
        "fr": ["{hi} merci beaucoup ! Toute l'équipe Kestrel 💚"],
        "de": ["{hi} danke dir! Das Kestrel Team 💚"], "pt": ["{hi} valeu demais! Time Kestrel 💚"],
    },
    "resolved": {
        "en": ["{hi} so glad it's sorted! Thanks for sticking with Kestrel 💚 ^{agent}",
               "{hi} happy we could fix it. The Kestrel Help team is here if anything else comes up. ^{agent}"],
        "es": ["{hi} ¡qué bien que se resolvió! Gracias por seguir con Kestrel 💚"],
        "fr": ["{hi} ravis que ce soit réglé ! Merci de rester chez Kestrel 💚"],
        "de": ["{hi} super, dass es geklappt hat! Danke, dass du Kestrel treu bleibst 💚"],
        "pt": ["{hi} que bom que deu certo! Obrigado por continuar com a Kestrel 💚"],
    },
    "chase": {
        "en": ["{hi} thanks, we've got your DM and escalated it with {carrier}. You'll hear from the Kestrel team within 24h. ^{agent}",
               "{hi} really sorry for the slow reply. Your Kestrel refund was issued today; banks can take 3–5 days to show it. ^{agent}"],
        "es": ["{hi} recibimos tu DM y ya lo escalamos con {carrier}. El equipo de Kestrel te escribe en 24h. ^{agent}"],
        "fr": ["{hi} bien reçu votre DM, c'est escaladé auprès de {carrier}. L'équipe Kestrel revient vers vous sous 24h. ^{agent}"],
        "de": ["{hi} deine DM ist angekommen, wir haben es bei {carrier} eskaliert. Das Kestrel Team meldet sich in 24h. ^{agent}"],
        "pt": ["{hi} recebemos sua DM e escalamos com a {carrier}. O time Kestrel responde em 24h. ^{agent}"],
    },
}

# --- Posts that name no brand (they must not match once the exclusions apply) --------------------
NO_BRAND_X = {
    "bird": ["American kestrel spotted hovering over the field this morning 🦅 #birding",
             "two kestrels working the motorway verge on my commute again, never gets old",
             "kestrel hovering over the allotments again, the pigeons are NOT happy",
             "kestrel nest box update: the pair is still roosting in it, fingers crossed for spring 🤞",
             "watched an American kestrel take a vole right in front of me on the coastal path. nature is metal",
             "is this a kestrel falcon or a merlin? small, rufous back, hovered twice. pics below 👇",
             "our resident kestrels are back at the old barn, third year in a row 🥹",
             "Lesser kestrels over Extremadura today, a whole colony of them #birding",
             "kestrel hovering in 30mph wind is the most impressive thing in british birding, i will not be taking questions",
             "my kid drew an American kestrel for school and honestly it's better than my photos"],
    "broom": ["rewatching philosopher's stone and harry unwrapping the Nimbus 2000 still hits",
              "unpopular opinion: the Nimbus 2000 was a better broom than the Firebolt",
              "found my old lego Nimbus 2000 in the attic 🧹✨",
              "my kid wants a Nimbus 2000 for christmas. does anyone make a decent replica?",
              "Malfoy buying the whole Slytherin team Nimbus 2001 brooms was peak nepotism"],
    "cloud": ["massive cumulonimbus building over the plains this afternoon ⛈️ #wxtwitter",
              "that cumulonimbus had a perfect anvil top, pics don't do it justice",
              "pilot here: went around a huge cumulonimbus over the alps today, smooth ride otherwise",
              "nimbus clouds rolling in from the west, looks like rain all weekend"],
}
NO_BRAND_X_OTHER = [  # (lang, kind, text)
    ("es", "broom", "Mi hija quiere una Nimbus 2000 para Navidad 🧹 ¿dónde venden réplicas buenas?"),
    ("fr", "cloud", "Un cumulonimbus énorme au-dessus de Lyon ce soir ⛈️"),
]

# --- Reddit submissions: (title, selftext) ---------------------------------------------------------
SUBMISSIONS = {
    "complaint": {
        "en": [("Order stuck for {days} days, is this normal?",
                "Ordered the {product} on {date}. {carrier} tracking hasn't moved since it left the warehouse and I've emailed Kestrel support twice with no reply. Anyone else in {country} seeing this?"),
               ("Kestrel {product} arrived damaged",
                "Box was crushed and the {ptype} came with {damage}. Opened a ticket {days} days ago and only got the auto-reply. Not what I expected from Kestrel tbh."),
               ("Customs fees on Kestrel orders to {country}??",
                "Just paid {fee} to {carrier} to release my parcel. Checkout said duties were included for Kestrel Plus members. What gives?"),
               ("Refund still pending after {days} days",
                "Sent back the {product} on {date} and tracking shows Kestrel received it. Since then: nothing. Support says 'processing'. How long did yours take?"),
               ("Wrong size sent twice",
                "Ordered the {product} in {size}, got {wrong_size}. Exchanged it and got {wrong_size} AGAIN. Kestrel, please check your warehouse labels."),
               ("Kestrel Plus 'priority shipping' is anything but right now",
                "Day {days} on order {order}. The whole point of paying for Kestrel Plus is priority dispatch. Not seeing it."),
               ("Is anyone actually getting replies from Kestrel support?",
                "Three emails and a chat about order {order}, all closed without an answer. The parcel has been 'in transit to {country}' for {days} days."),
               ("Tracking says delivered, nothing delivered",
                "{carrier} says my Kestrel parcel was delivered on {date}. It wasn't. Kestrel says take it up with {carrier}, {carrier} says take it up with Kestrel. Fun."),
               ("The Nov 4 delay hit my order too",
                "Got the 'carrier issue' email from Kestrel on the 4th. Order {order} has not moved since and there's no new ETA.")],
        "es": [("¿Alguien más con pedidos de Kestrel atorados en aduana?",
                "Pedí la tienda {tent} el {date} y lleva {days} días en aduana. Kestrel no contesta los correos. ¿Les ha pasado?")],
        "fr": [("Kestrel : colis bloqué depuis {days} jours",
                "Commande {order} passée le {date}, bloquée chez {carrier} depuis. Le service client de Kestrel ne répond pas. Quelqu'un a une astuce ?")],
        "de": [("Kestrel Bestellung seit {days} Tagen beim Zoll",
                "Bestellung {order} vom {date} hängt beim Zoll fest und Kestrel antwortet nicht. Hat jemand Erfahrung damit?")],
        "pt": [("Pedido da Kestrel parado na alfândega",
                "Meu pedido {order} tá há {days} dias parado. A Kestrel não responde. Alguém sabe quanto tempo demora?")],
        "it": [("Ordine Kestrel fermo in dogana da {days} giorni",
                "Ordine {order} del {date}, fermo in dogana. Kestrel non risponde alle email. Consigli?")],
    },
    "praise": {
        "en": [("{product} review after {weeks} weeks",
                "Short version: {detail}. Used it on three trips now and it still looks new. Shipping from Kestrel to {country} took {days_short} days. Would buy again."),
               ("Shoutout to Kestrel support",
                "My {product} came in the wrong size and they sent the right one before I'd even shipped the old one back. That's how it should work."),
               ("Kestrel shipping to {country} was way faster than expected",
                "Ordered Monday, arrived {days_short} days later, duties prepaid. No complaints at all."),
               ("Finally a {ptype} that fits",
                "Been through three brands. The Kestrel {product} is the first one that just works: {detail}.")],
        "es": [("Muy contento con mi mochila de Kestrel",
                "La mochila {pack} llegó en {days_short} días a {city} y es comodísima. La recomiendo.")],
        "fr": [("Retour sur la veste {jacket} de Kestrel",
                "Trois semaines d'utilisation, sèche sous la pluie et respirante. Livraison en {days_short} jours. Je recommande.")],
        "de": [("Erfahrung mit dem Kestrel {tent}",
                "Zwei Wochen in Norwegen, Sturm und Regen, das Zelt hat alles mitgemacht. Klare Empfehlung.")],
        "pt": [("Barraca da Kestrel aguentou tudo",
                "Levei a {tent} pra Chapada, choveu três dias e nada molhou. Recomendo a Kestrel.")],
        "it": [("Giacca {jacket} di Kestrel: promossa",
                "Usata tutto ottobre sulle Dolomiti, impeccabile. Spedizione di Kestrel in {days_short} giorni.")],
    },
    "question": {
        "en": [("Sizing on the {jacket}?",
                "I'm 180cm, 78kg, usually a {size_a} but sometimes {size_b}. How does the Kestrel {jacket} run? Planning to layer a fleece underneath."),
               ("Does Kestrel ship to {country}?",
                "And if so, are duties included or do I pay {carrier} on delivery? Couldn't find it on the site."),
               ("Is Kestrel Plus worth it?",
                "I order maybe 3 times a year, mostly to {country}. Are the free shipping and returns enough to justify it?"),
               ("{tent} in winter?",
                "Thinking of taking the Kestrel {tent} on a winter trip, lows around -8°C. Anyone done it?"),
               ("Order {order} status?",
                "Placed it on {date}, no shipping email yet. Is Kestrel just slow right now or should I contact support?"),
               ("Kestrel {pack} as carry-on?",
                "Does it fit the 55x40x20 limit when packed? Need it for a trip next month.")],
        "es": [("¿Vale la pena Kestrel Plus en {country}?",
                "Pienso comprar la chaqueta {jacket} y unas botas. ¿Con la membresía se ahorran los impuestos?")],
        "it": [("Kestrel spedisce in Italia senza dogana?",
                "Vorrei prendere lo zaino {pack}, ma ho paura dei costi doganali. Esperienze?")],
    },
    "churn_threat": {
        "en": [("Cancelled Kestrel Plus today",
                "{days} days waiting for a tent, two support tickets closed without answers. I've cancelled the membership and ordered from {c}. Sad, I liked their stuff."),
               ("How do I cancel Kestrel Plus?",
                "Done after the latest delay. Can't find the cancel button anywhere in the app. Anyone know where it is?"),
               ("Switching to {c} after 2 years with Kestrel",
                "{reason}. I'm done. Cancelling my membership this week."),
               ("Done with Kestrel",
                "Third late order in a row, {fee} in customs I shouldn't have paid, and support that just copy-pastes. Not renewing Kestrel Plus.")],
        "es": [("Cancelé Kestrel Plus",
                "Tres pedidos tarde seguidos. Ya cancelé la membresía y me paso a {c}. Una lástima porque la calidad es buena.")],
        "fr": [("J'ai résilié Kestrel Plus",
                "Troisième retard d'affilée, j'ai résilié. Je passe chez {c}.")],
        "de": [("Kestrel Plus gekündigt",
                "Drei verspätete Bestellungen, dazu {fee} Zoll. Ich habe gekündigt und bestelle jetzt bei {c}.")],
        "pt": [("Cancelei o Kestrel Plus", "Cansei dos atrasos. Cancelei e vou comprar na {c}.")],
    },
    "churn_hypothetical": {
        "en": [("Last chance for Kestrel",
                "If order {order} isn't here by the weekend I'm cancelling Kestrel Plus. Been a member since launch."),
               ("One more delay and I'm out",
                "Kestrel, I've defended you for years. Order {order} is on day {days}. If this happens again I'm moving to {c}.")],
        "de": [("Letzte Chance für Kestrel",
                "Wenn meine Bestellung bis Freitag nicht da ist, kündige ich Kestrel Plus.")],
    },
    "churn_negated": {
        "en": [("Not cancelling after all: support came through",
                "Posted here last week that I was about to cancel Kestrel Plus. Support called me, refunded shipping and sent the {product} express. Staying."),
               ("Update: staying with Kestrel",
                "For everyone asking: not leaving. They replaced the damaged {ptype} in 3 days.")],
    },
    "competitor_churn": {
        "en": [("Left {cm} for Kestrel Plus, first impressions",
                "{creason}, that was the last straw with {c}. First Kestrel order arrived in {days_short} days, so far so good."),
               ("Cancelled {cm}",
                "{creason}. Three years as a member. Anyone have a good alternative for shipping to {country}?")],
    },
    "competitor_talk": {
        "en": [("Kestrel vs {c} for tents?",
                "Looking at the Kestrel {tent} and the {c} Arc 2. Mostly 2-3 night trips in {country}. Which one holds up better?"),
               ("{cm} vs Kestrel Plus for EU shipping",
                "Which membership actually gets stuff to {country} faster? Customs included?"),
               ("{c} order came in 4 days",
                "Honestly impressed. Ordered a stove on Monday, here Friday, no customs surprise."),
               ("{c} quality has gone downhill",
                "Second jacket from {c} with a delaminating seam this year. Anyone else?")],
        "fr": [("Kestrel ou {c} pour une tente ?",
                "J'hésite entre la {tent} de Kestrel et la Arc 2 de {c}. Des retours ?")],
    },
    "sarcasm": {
        "en": [("Love how 'express' means 3 weeks now",
                "My Kestrel express order is on week {weeks}. Truly express. Can't wait for next week's 'in transit' update. 🙃"),
               ("Thanks Kestrel for the free patience training",
                "Day {days} of watching a tracking page that never changes. Very zen. 10/10.")],
    },
    "spam": {
        "en": [("Kestrel coupon codes 70% off, DM me",
                "Have a bunch of Kestrel Plus codes, dm for prices 💰 paypal or crypto")],
    },
}
REMOVED_SPAM = ("FREE Kestrel Goods gift cards 🎁 $500 (working Nov 2026)", "[removed]")

NO_BRAND_REDDIT = {  # sub kind -> (submissions, comments)
    "bird": ([("American kestrel hovering over the field this morning",
               "Watched her hover for a good ten minutes before dropping on something in the grass. First time I've seen one hunt this close to town. Anyone else seeing more kestrels this fall?"),
              ("Kestrel falcon or merlin? Small falcon at the reservoir",
               "Rufous back, blue-grey wings, hovered a couple of times. Photos are terrible, sorry. Thoughts?")],
             ["Definitely an American kestrel, the hovering gives it away",
              "Male American kestrel, look at those blue-grey wings",
              "We have a pair in a kestrel nest box on our barn, best neighbours ever",
              "Lucky! I only ever see kestrels on telephone wires",
              "Merlins rarely hover. That's kestrel hovering behaviour for sure",
              "Great spot. Numbers of kestrels have been dropping here so it's nice to hear"]),
    "broom": ([("Was the Nimbus 2000 actually a bad broom?",
                "Everyone talks about the Firebolt but Harry won most of his matches on the Nimbus 2000. Was it really outclassed?")],
              ["The Nimbus 2000 was top of the line when he got it, people forget that",
               "Lucius buying the whole team Nimbus 2001 brooms was peak Slytherin",
               "RIP Nimbus 2000, killed by the Whomping Willow",
               "Honestly the Cleansweep gets no love"]),
    "cloud": ([("Cumulonimbus anvil over Kansas tonight",
                "Shot this from the highway shoulder around 7pm. The overshooting top was insane.")],
              ["That's a textbook cumulonimbus incus", "Great shot, was there hail with it?",
               "Nimbus clouds like that always make me nervous when I'm camping"]),
    "camping": ([("Best budget sleeping pad for side sleepers?",
                  "Looking for something under $80 that's at least R3. Currently on a foam pad and my hips hate me."),
                 ("First solo overnight this weekend, what am I forgetting?",
                  "Tent, bag, pad, stove, water filter, headlamp, first aid... what do people always forget?"),
                 ("Wet tent storage tips?",
                  "Packed up in the rain this morning. How long can a tent sit wet before it's a problem?")],
                ["Foam pad plus an inflatable on top is the cheat code for side sleepers",
                 "Spare headlamp batteries. Every time.", "Toilet paper and a lighter that actually works",
                 "Dry it within 24-48 hours or you'll smell it forever",
                 "Hang it in the shower or garage with the doors open, done",
                 "A sit pad. Sounds silly, changes everything",
                 "Check the forecast again the morning you leave",
                 "Get a pad with a higher R-value than you think you need"]),
}

# --- Set pieces: the influencer, the brand's announcement, the journalist --------------------------
TESS_NOTE = ("Okay, I've been quiet about this for a week but I need to say it. Ordered the Ridgeline 2P "
             "from @KestrelGoods for my Dolomites trip and paid for Kestrel Plus priority shipping. It "
             "arrived 9 days late, box crushed, two poles snapped and a tear right across the fly. I've "
             "sent photos to @KestrelHelp three times and keep getting the same copy-paste reply asking "
             "for photos. I've recommended Kestrel to you all for two years and right now I honestly "
             "can't. If you have an order in, film your unboxing. 📦💔")
TESS_SUPPORT = ("Hi Tess, we're so sorry, this one is on us. A new Ridgeline 2P is going out today by "
                "express and we've refunded your Kestrel Plus shipping. Our support lead has DM'd you. ^MK")
TESS_UPDATE = ("update on the tent saga: @KestrelHelp sent a brand new Ridgeline 2P, it arrived in 3 days "
               "and it's perfect. They refunded the shipping too. Credit where it's due, thank you Kestrel 👏")
TESS_QUOTES = ["Kestrel please sort this out, Tess has sent half of my hiking club your way",
               "if even Tess gets this treatment from Kestrel, imagine the rest of us"]
ANNOUNCEMENT = ("Update on delayed orders 📦 A carrier backlog at our Shenzhen hub means some Kestrel "
                "orders placed Oct 28–Nov 3 are running 5–10 days late. We're sorry. Kestrel Plus members "
                "get their shipping refunded automatically. Questions? @KestrelHelp is on it.")
ANNOUNCEMENT_QUOTES = [
    ("complaint", "5-10 days late is generous, my Kestrel order from Oct 24 is on day {days}"),
    ("sarcasm", "love that Kestrel Plus 'priority' means we get to be late together 🙃"),
    ("churn_threat", "refunding shipping doesn't get my tent here. cancelling Kestrel Plus, switching to {c}"),
]
JOURNALIST = ("Ran the same order (a 2-person tent) to Berlin from Kestrel Goods, Trovia and Nimbus Market. "
              "Trovia: 5 days. Nimbus: 8 days. Kestrel: day 12 and still 'in transit'. Full piece on "
              "cross-border shipping tomorrow.")
JOURNALIST_REPLIES = [
    ("churn_threat", "en", "kestrel has been like this since the 4th. i already switched to trovia, not going back"),
    ("competitor_talk", "en", "nimbus was fast for me too but their returns are awful"),
    ("competitor_talk", "de", "Trovia war bei mir auch schnell, 4 Tage nach Hamburg"),
]
JOURNALIST_SUPPORT = ("Hi Dev, fair test and fair result. Kestrel orders caught in the Nov 4 carrier backlog "
                      "are moving again; happy to share our numbers for the piece, DM open. ^MK")
BIRD_REPLIES = ["stunning! American kestrel hovering is my favourite thing to watch",
                "we get kestrels on our farm every winter, such characters",
                "kestrel hovering skills > any drone"]
TROVIA_PROMO = "Trovia Club members: free express shipping to the EU all November 🚚 #trovia"

# --- People --------------------------------------------------------------------------------------
NAMES = {
    "en": (["Sam", "Jess", "Mike", "Priya", "Tom", "Emma", "Chris", "Aisha", "Liam", "Olivia", "Noah",
            "Hannah", "Ben", "Chloe", "Dan", "Grace", "Ryan", "Zoe", "Josh", "Megan", "Kofi", "Mei",
            "Ravi", "Sarah", "Alex", "Jordan", "Katie", "Marcus", "Tara", "Owen", "Nina", "Leo",
            "Rosa", "Ethan", "Ivy", "Callum", "Maya", "Jamal", "Erin", "Hugo"],
           ["Carter", "Nguyen", "Patel", "Walsh", "Brooks", "Kim", "O'Neill", "Reyes", "Hughes",
            "Murphy", "Chen", "Foster", "Bailey", "Singh", "Morgan", "Price", "Lee", "Ward", "Evans",
            "Okafor", "Fraser", "Lindqvist", "Kowalski", "Mensah"]),
    "es": (["María", "Javier", "Lucía", "Carlos", "Sofía", "Diego", "Valentina", "Mateo", "Camila",
            "Andrés", "Paula", "Tomás"],
           ["García", "López", "Hernández", "Martínez", "Ruiz", "Torres", "Romero", "Vargas"]),
    "fr": (["Camille", "Julien", "Manon", "Thomas", "Léa", "Hugo", "Chloé", "Antoine", "Inès"],
           ["Martin", "Bernard", "Dubois", "Moreau", "Laurent", "Lefebvre", "Girard"]),
    "de": (["Jonas", "Lena", "Felix", "Hannah", "Lukas", "Marie", "Tobias", "Sophie", "Jan"],
           ["Müller", "Schmidt", "Weber", "Fischer", "Becker", "Wagner", "Hofmann"]),
    "pt": (["João", "Ana", "Pedro", "Beatriz", "Lucas", "Mariana", "Rafael", "Larissa"],
           ["Silva", "Santos", "Oliveira", "Souza", "Costa", "Pereira", "Almeida"]),
    "it": (["Giulia", "Marco", "Chiara", "Luca", "Francesca", "Matteo"],
           ["Rossi", "Bianchi", "Romano", "Colombo", "Ricci", "Greco"]),
}
JA_PEOPLE = [("ゆうき⛺️キャンプ", "Yuki", "yuki_camp"), ("さくら｜山歩き", "Sakura", "sakura_yama"),
             ("たけし", "Takeshi", "takeshi_0712"), ("はると🏔", "Haruto", "haruto_hikes"),
             ("あおい", "Aoi", "aoi_outdoor"), ("けんた", "Kenta", "kenta_trek")]
HOBBIES = ["hikes", "trails", "outdoors", "camps", "peaks", "runs", "climbs", "wild", "trek", "gear"]
BIOS = {
    "en": ["hiker. dog person. coffee first.", "trail runner | {city}", "weekend camper, weekday accountant",
           "ultralight-ish. mostly ish.", "photographer 📷 mountains", "dad of 2, owner of too many tents",
           "PNW ⛰️", "she/her · climber · tea", "", "", "nurse. hiker. tired.", "van life part-time",
           "gear nerd, opinions my own", "birds, bikes and bad puns", "I post about the weather 🌩️"],
    "es": ["Montañera. Café y rutas ⛰️", "Senderista de fin de semana", ""],
    "fr": ["Randonneur du dimanche 🥾", "Alpes ❤️", ""],
    "de": ["Wandern, Klettern, Kaffee.", "Draußen zuhause 🏔️", ""],
    "pt": ["Trilheira 🥾 | SP", "Camping e café ☕", ""],
    "it": ["Montagna e caffè ☕", "Escursionista 🏔️", ""],
    "ja": ["キャンプと登山が好き⛺️", "週末ハイカー🏔", ""],
}
# (username, name, lang, followers, verified, created, bio)
X_SPECIAL = [
    ("KestrelGoods", "Kestrel Goods", "en", 128400, True, "2019-03-12T10:02:41",
     "Outdoor gear, shipped worldwide 🏔️ Members: Kestrel Plus. Help: @KestrelHelp"),
    ("KestrelHelp", "Kestrel Help", "en", 9870, True, "2020-06-01T08:30:00",
     "Kestrel Goods support, 7 days a week. DMs open. Sign-offs are our initials."),
    ("TroviaShop", "Trovia", "en", 342000, True, "2016-09-20T15:44:10",
     "Gear for every trail. Join Trovia Club for free express shipping."),
    ("trailwithtess", "Tess Moreno", "en", 482300, True, "2013-05-07T19:12:55",
     "Backpacking, gear reviews & bad jokes 🏕️ Colorado. Collabs: tess@trailwithtess.co"),
    ("devraman", "Dev Raman", "en", 1240000, True, "2010-02-14T12:00:03",
     "Commerce & tech reporter. Tips via Signal. Views mine."),
    ("lauraenlamontana", "Laura Ibáñez", "es", 86400, True, "2015-11-02T09:15:27",
     "Montaña, viajes y material 🏔️ | Madrid"),
    ("alpen_jonas", "Jonas Hofer", "de", 153900, True, "2014-08-19T17:40:00",
     "Bergsteiger & YouTuber 🎥 | Innsbruck"),
    ("sora_camp", "そらキャンプ", "ja", 210500, False, "2017-04-01T03:21:09", "ソロキャンプと登山の記録⛺️"),
    ("gearnerd_mike", "Mike Okafor", "en", 64200, False, "2012-10-30T21:05:44",
     "I review outdoor gear so you don't have to. Mostly rain jackets."),
    ("birdwatchdaily", "Bird Watch Daily", "en", 95800, False, "2011-03-03T13:13:13",
     "Daily birds from around the world 🐦"),
]
X_SPAMMERS = [("kstr_airdrop", "Crypto Drops 🚀"), ("coupon_kingz92", "Coupon King 💰"),
              ("gift_drop_2026", "Gift Drops 🎁"), ("earnfast_mia", "Mia | Earn from home"),
              ("promo_vault_x", "Promo Vault"), ("dealz4u_77", "Dealz 4 U")]
REDDIT_ADJ = ["Sad", "Ok", "Worried", "Grand", "Brave", "Quiet", "Fuzzy", "Salty", "Happy", "Odd",
              "Tough", "Local", "Prior", "Wild"]
REDDIT_NOUN = ["Tomato", "Dragonfly", "Badger", "Lantern", "Pebble", "Walrus", "Otter", "Kettle",
               "Moose", "Falcon", "Ladder", "Pinecone", "Heron", "Biscuit"]
REDDIT_SPAMMERS = ["Ok-Promotion-9921", "Deal-Hunter-4410", "Fresh-Coupon-2087"]
REDDIT_HANDLES = ["trail_mix_88", "ultralight_dad", "wet_tent_again", "switchback_sally", "bivvy_bob",
                  "summit_or_bust", "mossy_boots", "campstove_chef", "peakbagger_92", "rainfly_rick",
                  "thru_hiker_jen", "ridge_runner", "basecamp_kid", "gorp_enjoyer", "tarp_life",
                  "blister_queen", "packweight_pete", "fogline", "alpine_start", "trailname_moth"]

# --- The plan: how much of what, where ----------------------------------------------------------------
HOUR_WEIGHTS = [2.2, 1.6, 1.2, 0.9, 0.8, 0.9, 1.3, 2.0, 3.0, 4.0, 4.8, 5.4,  # UTC hours
                5.8, 6.2, 6.6, 6.8, 6.9, 6.8, 6.5, 6.0, 5.2, 4.3, 3.4, 2.8]
SPIKE = {3: 1.4, 4: 4.5, 5: 3.6, 6: 2.4, 7: 1.6, 8: 1.2}  # day of November -> weight of negative posts
LANG_WEIGHTS = {"en": 80, "es": 5, "fr": 4, "de": 4, "pt": 3, "it": 2, "ja": 2}
TYPOS = [(r"\byou\b", "u"), (r"\bthough\b", "tho"), (r"\breceived\b", "recieved"), (r"\bbecause\b", "bc"),
         (r"\breally\b", "rly"), (r"\bplease\b", "pls"), (r"\bit's\b", "its"), (r"\bi'm\b", "im"),
         (r"\bdon't\b", "dont"), (r"\bhasn't\b", "hasnt"), (r"\bthat's\b", "thats"), (r"\btracking\b", "trackng"),
         (r"\bweekend\b", "wknd"), (r"\bsupport\b", "suport"), (r"\bwaiting\b", "waitin"), (r"\bparcel\b", "parcle")]

# X: standalone posts as (category, language or None for the usual mix, count).
X_PLAN = [("praise", None, 27), ("praise", "und", 2), ("praise", "ja", 2), ("question", None, 20),
          ("question", "ja", 1), ("complaint", None, 38), ("complaint", "und", 4), ("complaint", "ja", 3),
          ("churn_threat", None, 9), ("churn_threat", "es", 2), ("churn_threat", "fr", 1),
          ("churn_threat", "de", 1), ("churn_threat", "pt", 1), ("churn_hypothetical", None, 6),
          ("churn_negated", None, 4), ("competitor_churn", None, 9), ("competitor_talk", None, 18),
          ("competitor_talk", "ja", 1), ("sarcasm", None, 9), ("spam", None, 11)]
X_STARS = [("lauraenlamontana", "complaint", "es", "2026-11-05"), ("alpen_jonas", "praise", "de", "2026-10-27"),
           ("sora_camp", "praise", "ja", "2026-10-30"), ("gearnerd_mike", "sarcasm", "en", "2026-11-06"),
           ("gearnerd_mike", "competitor_talk", "en", "2026-10-23")]
# Customers who tag @KestrelHelp and get an answer: (language, category of the first post).
X_SUPPORT_THREADS = [("en", "complaint")] * 10 + [("en", "question")] * 3 + [
    ("en", "churn_threat"), ("en", "sarcasm"), ("en", "praise"), ("en", "praise"), ("es", "complaint"),
    ("fr", "complaint"), ("de", "question"), ("pt", "churn_threat")]
TESS_REPLIES = ["complaint", "complaint", "complaint", "sarcasm", "churn_threat", "question"]
ANNOUNCEMENT_REPLIES = [("complaint", "en"), ("complaint", "en"), ("complaint", "en"), ("complaint", "es"),
                        ("churn_threat", "en"), ("churn_threat", "de"), ("churn_hypothetical", "en"),
                        ("sarcasm", "en"), ("question", "en")]

# Reddit: submissions as (subreddit, category, language); comment trees grow under each.
DUMP_PLAN = ([("KestrelGoods", "complaint", "en")] * 7 + [("KestrelGoods", "question", "en")] * 3
             + [("KestrelGoods", c, "en") for c in ("praise", "praise", "churn_threat", "churn_threat",
                                                   "churn_hypothetical", "churn_negated", "sarcasm",
                                                   "competitor_churn", "spam")]
             + [("KestrelGoods", "complaint", "es"), ("CampingGear", "competitor_talk", "en"),
                ("CampingGear", "competitor_talk", "en"), ("CampingGear", "question", "en"),
                ("CampingGear", "competitor_churn", "en"), ("Ultralight", "praise", "en"),
                ("Ultralight", "competitor_talk", "en"), ("BuyItForLife", "praise", "en")]
             + [("mexico", c, "es") for c in ("complaint", "churn_threat", "question")]
             + [("france", c, "fr") for c in ("complaint", "churn_threat", "praise", "competitor_talk")]
             + [("de", c, "de") for c in ("complaint", "churn_threat", "praise", "churn_hypothetical")]
             + [("brasil", c, "pt") for c in ("complaint", "churn_threat", "praise")]
             + [("italia", c, "it") for c in ("complaint", "praise", "question")])
NO_BRAND_SUBS = {"bird": "birding", "broom": "harrypotter", "cloud": "weather", "camping": "CampingGear"}
LISTING_PLAN = [("complaint", "en")] * 6 + [("question", "en")] * 5 + [("praise", "en")] * 4 + [
    ("churn_threat", "en"), ("churn_threat", "en"), ("churn_hypothetical", "en"), ("churn_negated", "en"),
    ("competitor_churn", "en"), ("sarcasm", "en"), ("competitor_talk", "en"), ("spam", "en"),
    ("complaint", "es")]
# The post whose comments page is in the sample (it is also in the `new` listing).
THREAD_POST = ("Kestrel Plus 'priority' order stuck since the Nov 4 delay, day {days}",
               "Ordered the {product} on {date} with Kestrel Plus. Got the 'carrier issue' email on the 4th, tracking hasn't moved since. Support keeps promising an update in 24h. Is anyone's order from that week actually arriving?")
# Comment categories under a submission, by what the submission is about.
MIXES = {
    "issue": {"complaint": 5, "question": 1.5, "churn_threat": 1.2, "churn_hypothetical": 0.8,
              "churn_negated": 0.5, "sarcasm": 0.8, "praise": 0.8, "support_reply": 1.4, "spam": 0.15},
    "chat": {"praise": 3, "question": 2, "complaint": 1, "competitor_talk": 0.7, "support_reply": 0.6,
             "churn_negated": 0.2},
    "compare": {"competitor_talk": 3, "praise": 1.5, "complaint": 1, "question": 1,
                "competitor_churn": 0.8, "churn_threat": 0.3},
}
TOPIC = {"praise": "chat", "question": "chat", "competitor_talk": "compare", "competitor_churn": "compare"}
SUBREDDITS = {  # name -> (id, subscribers)
    "KestrelGoods": ("t5_8fq2kx", 18342), "CampingGear": ("t5_2s7z4", 1204331),
    "Ultralight": ("t5_2s4ex", 846120), "BuyItForLife": ("t5_2ss1q", 3120554),
    "mexico": ("t5_2qhv7", 2210340), "france": ("t5_2qhjz", 2805771), "de": ("t5_22i0", 1402118),
    "brasil": ("t5_2qh9i", 1880402), "italia": ("t5_2qh7t", 1032875), "birding": ("t5_2qnx9", 512440),
    "harrypotter": ("t5_2qiqi", 4711203), "weather": ("t5_2qh3f", 402117),
}
FLAIRS = {"complaint": "Shipping", "sarcasm": "Shipping", "question": "Question", "praise": "Review",
          "churn_threat": "Kestrel Plus", "churn_hypothetical": "Kestrel Plus", "churn_negated": "Kestrel Plus",
          "competitor_churn": "Discussion", "competitor_talk": "Discussion"}

# What a customer says after the brand's reply, by the reply's situation ("" = nothing).
FLOWS = {"sorry": {"complaint": 35, "praise": 25, "churn_negated": 15, "question": 15, "churn_threat": 10},
         "answer": {"praise": 5, "question": 3, "": 2}, "cancel": {"churn_threat": 5, "churn_negated": 3, "": 2},
         "chase": {"praise": 5, "churn_negated": 3, "": 2}, "thanks": {"": 1}, "resolved": {"": 1}}
HOURS_LONG = ["3 days", "two days", "48h", "a week"]
ORDER_FORMATS = ["#KG{}", "KG-{}1", "#4{}7"]

# Serialisation details that are the platforms', not the sample's.
X_QUERY = "kestrel OR @KestrelGoods OR @KestrelHelp OR #kestrelgoods OR trovia OR @TroviaShop OR nimbus OR @NimbusMarket"
X_URL = ("https://api.x.com/2/tweets/search/recent?expansions=author_id%2Creferenced_tweets.id"
         "&tweet.fields=created_at%2Cauthor_id%2Clang%2Cconversation_id%2Cpublic_metrics%2Creferenced_tweets"
         "%2Cin_reply_to_user_id%2Cedit_history_tweet_ids%2Cnote_tweet"
         "&user.fields=created_at%2Cverified%2Cpublic_metrics%2Cdescription&max_results=100&query=")
X_METRICS = ["retweet_count", "reply_count", "like_count", "quote_count", "bookmark_count", "impression_count"]
API_COMMON = {"downs": 0, "gilded": 0, "stickied": False, "locked": False, "archived": False, "distinguished": None,
              "total_awards_received": 0, "author_flair_text": None, "send_replies": True, "all_awardings": [],
              "likes": None, "saved": False}
API_SUBMISSION = {"thumbnail": "self", "num_crossposts": 0, "is_video": False, "spoiler": False, "pinned": False,
                  "subreddit_type": "public", "removed_by_category": None}
API_COMMENT = {"score_hidden": False, "collapsed": False}
