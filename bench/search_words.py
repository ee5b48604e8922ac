"""Word lists for bench/search_data.py: English words in rough order of frequency, and civic topics."""


def _split(text: str, separator: str | None = None) -> list[str]:
    """Long word lists read best as text."""
    return [part.strip() for part in text.strip().split(separator) if part.strip()]


# Ranked: the first words are the most frequent. Stop words are included because real messages have
# them (Whoosh drops them, FTS5 indexes them). A seeded tail of made-up words follows these.
RANKED = _split(
    """
the to and of a in is that for it you we this on with be are have not but as at can if our they
from or will about would there an what all so do just was by more one think need could some should
people data how work like also which their when who them get know been new time any has very than
make really use public other sure good see council service services local help team way us might
much only into where then because find same still well thanks share group first these now going
digital policy government support information users user system systems question questions often
together process right want does already different project projects next most part years year many
week meeting update across trying best place case example around each working agree point better
approach plan plans those evidence thing things useful change changes look looking community
communities think risk risks guidance issue issues clear access research design staff colleagues
department every area areas national health housing social care education transport
planning funding budget money cost costs value practice practices tools tool model models
standard standards review report reports feedback test testing pilot pilots learning lessons
early small large long short low high big simple hard easy open closed online offline paper form
forms website page pages content email phone call calls letter letters record records case
cases decision decisions outcome outcomes impact impacts measure measures target targets rules
law laws legal duty duties rights consent privacy security secure safety safe trust fair
accountable accountability transparency transparent ethics ethical bias fairness inclusion
inclusive accessible accessibility language plain readable citizens residents families children
young older adults carers volunteers charities charity partners partnership suppliers supplier
contract contracts procurement tender framework frameworks market vendor vendors cloud hosting
platform platforms software code coding developer developers engineers analyst analysts
statistics survey surveys interview interviews workshop workshops session sessions draft drafts
consultation consultations response responses submission minister ministers officials
officer officers manager managers director directors board boards committee committees member
members chair agenda minutes notes slides summary document documents spreadsheet dashboard
dashboards metrics indicators performance quality delivery deliver delivering delivered agile
sprint backlog roadmap discovery alpha beta live prototype prototypes journey journeys needs
problem problems solution solutions idea ideas proposal proposals option options recommendation
recommendations principle principles strategy strategies vision mission goal goals
priority priorities resource resources capacity capability skills training course courses
mentor mentoring mentee learning curve career careers job jobs role roles recruitment hiring
budgets spending savings efficiency efficient effective effectiveness productivity growth
economy economic business businesses industry sector sectors private voluntary third regional
region regions north south east west london scotland wales ireland england city cities town
towns village villages rural urban street streets road roads bus buses train trains rail cycle
cycling walking parking traffic congestion pollution emissions carbon climate energy heat homes
home tenants landlords rent rents benefit benefits welfare pension pensions tax taxes income
poverty inequality employment unemployment jobcentre library libraries museum museums parks
waste recycling bins collection collections flooding flood drainage water river rivers coast
police policing crime safety courts justice prison probation victims hospital hospitals doctor
doctors nurse nurses patients appointments waiting lists gp gps pharmacy mental wellbeing
school schools teachers pupils students university universities college colleges apprenticeships
grant grants bid bids fund funds award awards audit audits inspection inspections regulator
regulators regulation compliance complaint complaints appeal appeals request requests foi
deadline deadlines timeline timelines milestone milestones launch launched release
released publish published publication blog blogs post posts thread threads forum
forums network networks event events conference conferences webinar webinars recording
recordings video videos podcast podcasts article articles study studies findings
analysis analyse analysed mapping maps map location locations address addresses postcode
postcodes identity identities verification login account accounts password passwords
"""
)

# Made-up words for the long tail are built from these, so they look and stem like English words.
ONSETS = _split("b bl br c ch cl cr d dr f fl fr g gl gr h j k l m n p pl pr r s sh sl sp st t th tr v w y z")
VOWELS = _split("a e i o u ai ea ee oa ou io")
CODAS = _split("b ck d ft g l ld lt m n nd nt p r rd rn s sh sk st t th x")
SUFFIXES = ["", "", "", "s", "ing", "ed", "er", "ment", "ness", "ity", "al", "ive", "ism"]

# Phrases people in civic tech write, most common first.
PHRASES = _split(
    """
open data|data protection|service design|user research|local authority|data protection impact assessment
facial recognition|freedom of information|digital inclusion|universal credit|social care|housing benefit
council tax|net zero|mental health|machine learning|algorithmic transparency|public consultation
privacy notice|accessibility audit|procurement framework|data sharing agreement|cyber security|legacy systems
agile delivery|service standard|participatory budgeting|citizens assembly|climate adaptation|community energy
flood risk|air quality|bus franchising|planning application|school transport|digital identity|risk register
impact assessment|youth services|equality impact assessment
""".replace("\n", "|"),
    "|",
)

# A word planted in a known number of messages, for the "rare word" query.
RARE_WORD = "ombudsman"
RARE_SENTENCES = [
    "Has anyone taken this to the ombudsman yet?",
    "The ombudsman report on complaints handling is worth a read.",
    "We referred it to the local government ombudsman last spring.",
]

FIRST_NAMES = _split(
    """
Amira Dafydd Grace Priya Tom Morag Sam Aisha Ben Chloe David Ella Fatima George Hannah Isaac Jack
Kavita Liam Maya Noah Olivia Peter Rosa Sean Tariq Una Victor Wendy Yusuf Zara Aled Bronwen Callum
Deepa Eilidh Finn Gwen Hamza Imogen Jamal Kirsty Lewis Megan Niamh Owen Patrick Rhiannon Siobhan
Thomas Uzma Vikram Will Xavier Yasmin Zoe Alice Brian Catrin Duncan Esther Farah
"""
)
LAST_NAMES = _split(
    """
Jones Williams Patel Smith Brown Taylor Davies Evans Wilson Thomas Roberts Johnson Lewis Walker
Robinson Wood Thompson White Watson Jackson Wright Green Harris Cooper King Lee Martin Clarke James
Morgan Hughes Edwards Hill Moore Clark Harrison Scott Young Morris Hall Ward Turner Carter Phillips
Mitchell Khan Ali Ahmed Campbell Murray Kaur Singh Begum Reid Fraser Macdonald Stewart Griffiths
"""
)

ORGANISATIONS = [
    *(f"{place} Council" for place in _split("Leeds Cardiff Glasgow Bristol Manchester Norfolk Kent Devon Fife")),
    *(f"{place} City Council" for place in _split("Birmingham Sheffield Liverpool Edinburgh Newcastle Nottingham")),
    *_split(
        """
Department for Education|Department of Health and Social Care|Department for Work and Pensions|Home Office
Ministry of Justice|HM Revenue and Customs|Cabinet Office|Office for National Statistics|Government Digital Service
NHS England|NHS Scotland|Welsh Government|Scottish Government|Environment Agency|Ordnance Survey|Citizens Advice
Age UK|Shelter|mySociety|Open Rights Group|Centre for Public Data|Ada Lovelace Institute|Transport for London
Local Government Association|Sustrans|Friends of the Earth|Community Energy England|Carers UK|Belfast City Council
""".replace("\n", "|"),
        "|",
    ),
]
JOB_TITLES = _split(
    """
Data analyst|Policy adviser|Service designer|User researcher|Product manager|Delivery manager|Developer
Data protection officer|Head of digital|Caseworker|Community organiser|Councillor|Researcher|Statistician
Volunteer coordinator|Information governance lead|Procurement officer|Housing officer|Social worker
Planning officer|Content designer|Technical architect|Campaigner|Accessibility specialist|Performance analyst
Chief executive|Student|Retired|Journalist
""".replace("\n", "|"),
    "|",
)

# 20 x 9 combined tags plus 20 named ones: 200 skill tags.
DOMAINS = _split(
    "Health|Housing|Education|Transport|Planning|Social care|Policing|Welfare|Environment|Energy|Culture|Libraries"
    "|Waste|Employment|Justice|Elections|Procurement|Finance|Tax|Youth",
    "|",
)
ASPECTS = _split("data|policy|services|research|law|digital|funding|inclusion|design", "|")
SPECIAL_TAGS = _split(
    "Data protection|Open data|Facial recognition|Accessibility|User research|Service design|Machine learning"
    "|Cyber security|Freedom of information|Digital inclusion|Climate|Net zero|Community energy"
    "|Participatory budgeting|Citizens assemblies|Mental health|Universal credit|Algorithmic transparency"
    "|Agile delivery|Plain language",
    "|",
)
ROOM_SUFFIXES = ["network", "working group", "practitioners", "forum", "circle", "clinic", "huddle", "community"]
