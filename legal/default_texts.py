"""The texts the legal pages start with (seeded by migration 0002); centre management
changes them on /management/legal/. `{brand}` and `{town}` are filled in when seeded.

The model withdrawal form is the one in the annex to Directive 2011/83/EU (in Dutch law the
annex to Book 6 of the Civil Code, art. 6:230m): its wording is prescribed, so the Dutch one
keeps the formal "u" with which the consumer addresses the shop.
"""

TERMS_NL = """
<h2>Wie verkoopt er?</h2>
<p>{brand} is het gezamenlijke online platform van de winkels in het centrum van {town}.
Je koopt altijd bij de winkel zelf: elke winkel is de verkoper van zijn eigen deel van je
bestelling. De naam, het adres, het KvK-nummer en het btw-nummer van de winkel staan op de
winkelpagina en in de bevestiging van je bestelling. Een winkel kan eigen voorwaarden hebben;
die staan op de winkelpagina en gaan voor deze voorwaarden waar ze voor jou gunstiger zijn.</p>
<h2>Bestellen en betalen</h2>
<p>Je betaalt één keer voor je hele winkelmand. Elke winkel bevestigt zijn deel; kan een winkel
iets niet leveren, dan krijg je het bedrag van dat deel terug.</p>
<h2>Ophalen en bezorgen</h2>
<p>Je haalt elk deel op in de winkel met je ophaalcode, of laat het in een gekozen tijdvak
bezorgen binnen het bezorggebied.</p>
<h2>Herroepingsrecht</h2>
<p>Je mag een aankoop binnen 14 dagen nadat je hem hebt ontvangen zonder opgave van reden
herroepen. Meld het aan de winkel, bijvoorbeeld met het modelformulier voor herroeping, en
breng of stuur het product binnen 14 dagen daarna terug. Je krijgt de betaalde prijs en de
oorspronkelijke bezorgkosten binnen 14 dagen terug. Uitgezonderd zijn onder meer bederfelijke
producten en producten die voor jou op maat zijn gemaakt.</p>
<h2>Klachten</h2>
<p>Een klacht over een product meld je bij de winkel; een klacht over het platform via de
contactpagina. Komen we er samen niet uit, dan kun je naar de bevoegde rechter of het
Europese ODR-platform (ec.europa.eu/consumers/odr).</p>
"""

TERMS_EN = """
<h2>Who sells?</h2>
<p>{brand} is the shared online platform of the shops in the centre of {town}. You always buy
from the shop itself: each shop is the seller of its own part of your order. The shop's name,
address, chamber of commerce number and VAT number are on the shop's page and in your order
confirmation. A shop may have its own terms; they are on the shop's page and prevail over
these terms where they are more favourable to you.</p>
<h2>Ordering and paying</h2>
<p>You pay once for your whole basket. Each shop confirms its part; if a shop cannot supply
something, the amount of that part is refunded.</p>
<h2>Collection and delivery</h2>
<p>You collect each part at the shop with your pickup code, or have it delivered in a chosen
slot within the delivery area.</p>
<h2>Right of withdrawal</h2>
<p>You may withdraw from a purchase within 14 days of receiving it without giving a reason.
Tell the shop, for instance with the model withdrawal form, and bring or send the product back
within 14 days after that. The price paid and the original delivery fee are refunded within
14 days. Exceptions include perishable goods and goods made to your specifications.</p>
<h2>Complaints</h2>
<p>Report a complaint about a product to the shop; a complaint about the platform through the
contact page. If we cannot resolve it together, you may go to the competent court or the
European ODR platform (ec.europa.eu/consumers/odr).</p>
"""

PRIVACY_NL = """
<h2>Wie is verantwoordelijk?</h2>
<p>{brand} (het platform van de winkels in het centrum van {town}) is verantwoordelijk voor
je account en het bestelproces. De winkel waar je koopt krijgt alleen wat nodig is om je
bestelling te leveren: je naam, je bestelde producten en bij bezorging je adres en telefoon.</p>
<h2>Welke gegevens en waarom?</h2>
<ul>
<li>Je account (e-mailadres, naam, wachtwoord als hash): om in te loggen en je
bestellingen te tonen.</li>
<li>Je adressen en bestellingen: om te leveren, te betalen en terug te betalen.</li>
<li>Zoekopdrachten: om het aanbod te verbeteren; gekoppeld aan je account alleen als je
ingelogd bent.</li>
</ul>
<h2>Hoe lang bewaren we ze?</h2>
<p>Bestellingen bewaren we zeven jaar, omdat de belastingwet dat vraagt; daarna, en als je je
account verwijdert, halen we je naam, e-mailadres, telefoon en adres eruit. Zoekopdrachten,
winkelmanden van bezoekers zonder account en verlopen sessies verwijdert een dagelijkse taak
na de termijn die hieronder staat.</p>
<h2>Je rechten</h2>
<p>In je account download je al je gegevens (JSON en CSV) en verwijder je je account. Voor
inzage, correctie of bezwaar kun je ook contact opnemen; je mag klagen bij de Autoriteit
Persoonsgegevens.</p>
"""

PRIVACY_EN = """
<h2>Who is responsible?</h2>
<p>{brand} (the platform of the shops in the centre of {town}) is responsible for your
account and the ordering process. The shop you buy from receives only what it needs to
deliver your order: your name, the products you ordered and, for a delivery, your address and
phone.</p>
<h2>Which data and why?</h2>
<ul>
<li>Your account (e-mail address, name, password as a hash): to sign in and show your orders.</li>
<li>Your addresses and orders: to deliver, to take payment and to refund.</li>
<li>Searches: to improve what is on offer; linked to your account only when you are signed in.</li>
</ul>
<h2>How long do we keep them?</h2>
<p>Orders are kept for seven years because tax law requires it; after that, and when you
delete your account, your name, e-mail address, phone and address are removed from them.
Searches, baskets of visitors without an account and expired sessions are deleted by a daily
task after the period shown below.</p>
<h2>Your rights</h2>
<p>In your account you download all your data (JSON and CSV) and delete your account. For
access, correction or objection you may also contact us; you may complain to the Dutch Data
Protection Authority (Autoriteit Persoonsgegevens).</p>
"""

COOKIES_NL = """
<p>{brand} gebruikt alleen cookies die nodig zijn om de site te laten werken: een
sessiecookie (ingelogd blijven, je winkelmand), een beveiligingscookie tegen vervalste
formulieren (CSRF) en een cookie met je taalkeuze. We plaatsen geen cookies voor advertenties
of om je te volgen, daarom vragen we geen toestemming.</p>
"""

COOKIES_EN = """
<p>{brand} only uses cookies needed for the site to work: a session cookie (staying signed
in, your basket), a security cookie against forged forms (CSRF) and a cookie with your
language. We set no cookies for advertising or tracking, so we do not ask for consent.</p>
"""

CONTACT_NL = """
<p>Vragen over een bestelling stel je het snelst aan de winkel zelf: het adres en de
openingstijden staan op de winkelpagina. Voor vragen over het platform, je account of je
gegevens bereik je het centrummanagement van {town} via info@example.nl.</p>
"""

CONTACT_EN = """
<p>Questions about an order are answered fastest by the shop itself: its address and opening
hours are on the shop's page. For questions about the platform, your account or your data,
reach the centre management of {town} at info@example.nl.</p>
"""

WITHDRAWAL_NL = """
<p><strong>Modelformulier voor herroeping</strong></p>
<p>(dit formulier alleen invullen en terugzenden als u de overeenkomst wilt herroepen)</p>
<ul>
<li>Aan: [naam, adres en e-mailadres van de winkel: zie de winkelpagina of je orderbevestiging]</li>
<li>Ik/Wij* deel/delen* u hierbij mede dat ik/wij* onze overeenkomst betreffende de verkoop van
de volgende producten: [aanduiding product]* herroep/herroepen*</li>
<li>Besteld op*/Ontvangen op* [datum bestelling of ontvangst]</li>
<li>[Naam consument(en)]</li>
<li>[Adres consument(en)]</li>
<li>[Handtekening consument(en)] (alleen wanneer dit formulier op papier wordt ingediend)</li>
<li>[Datum]</li>
</ul>
<p>* Doorhalen wat niet van toepassing is of invullen wat van toepassing is.</p>
"""

WITHDRAWAL_EN = """
<p><strong>Model withdrawal form</strong></p>
<p>(complete and return this form only if you wish to withdraw from the contract)</p>
<ul>
<li>To: [the shop's name, address and e-mail address: see the shop's page or your order
confirmation]</li>
<li>I/We* hereby give notice that I/We* withdraw from my/our* contract of sale of the
following goods*: [goods]</li>
<li>Ordered on*/received on* [date]</li>
<li>[Name of consumer(s)]</li>
<li>[Address of consumer(s)]</li>
<li>[Signature of consumer(s)] (only if this form is notified on paper)</li>
<li>[Date]</li>
</ul>
<p>* Delete as appropriate.</p>
"""

# kind: (Dutch title, English title, Dutch text, English text)
DEFAULT_PAGES = {
    "terms": ("Algemene voorwaarden", "Terms and conditions", TERMS_NL, TERMS_EN),
    "privacy": ("Privacyverklaring", "Privacy statement", PRIVACY_NL, PRIVACY_EN),
    "cookies": ("Cookieverklaring", "Cookie statement", COOKIES_NL, COOKIES_EN),
    "contact": ("Contact", "Contact", CONTACT_NL, CONTACT_EN),
    "withdrawal": (
        "Modelformulier voor herroeping",
        "Model withdrawal form",
        WITHDRAWAL_NL,
        WITHDRAWAL_EN,
    ),
}


def default_page_values(kind: str, *, brand: str, town: str) -> dict:
    title_nl, title_en, body_nl, body_en = DEFAULT_PAGES[kind]
    fill = {"brand": brand, "town": town}
    return {
        "title_nl": title_nl,
        "title_en": title_en,
        "body_nl": body_nl.strip().format(**fill),
        "body_en": body_en.strip().format(**fill),
    }
