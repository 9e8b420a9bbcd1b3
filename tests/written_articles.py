"""Articles written for the tests: other people, outlets, quote styles and date expressions than the seeds.

Each entry is the raw text as a scraper would save it, and what a careful reader finds in it:
``outlet`` / ``published`` (None where the text does not state them) and ``quotes``: the first words of each
direct quotation with its speaker (None: the text does not say who) and the date it was said, at the
precision the text gives (None: the text does not date it).
"""

ARTICLES = [
    {
        "name": "reuters_mirzoyan.txt",
        "text": """Armenia says it is freezing participation in Russian-led bloc
March 4, 2024 10:12 AM GMT
YEREVAN, March 4 (Reuters) - Armenia's foreign minister said on Monday that his country had effectively frozen its participation in the Collective Security Treaty Organization, the latest sign of a widening rift with Moscow.
"We have practically frozen our participation in the organisation," Foreign Minister Ararat Mirzoyan told reporters in Yerevan. "This is a fact, and it is not a secret to anyone."
Kremlin spokesman Dmitry Peskov said later that Moscow had not received any formal notification from Yerevan.
"We expect explanations from our Armenian partners," Peskov said.
Reporting by Felix Light; Editing by Mark Trevelyan
Our Standards: The Thomson Reuters Trust Principles.
""",
        "outlet": "Reuters",
        "published": "2024-03-04",
        "quotes": [
            ("We have practically frozen our participation", "Ararat Mirzoyan", "2024-03-04"),
            ("This is a fact, and it is not a secret", "Ararat Mirzoyan", "2024-03-04"),
            ("We expect explanations from our Armenian partners", "Dmitry Peskov", "2024-03-04"),
        ],
    },
    {
        "name": "ap_lavrov.txt",
        "text": """MOSCOW (AP) — Russia’s top diplomat on Tuesday accused the West of trying to pull Armenia out of Moscow’s orbit, in some of the sharpest remarks yet on the rift between the former allies.
“The West wants to drag Armenia into its geopolitical games,” Russian Foreign Minister Sergei Lavrov said at a news conference. “It will not end well for the Armenian people.”
Lavrov added that Moscow remained open to talks.
Armenia’s Prime Minister Nikol Pashinyan dismissed the criticism. “We are not anyone’s vassal,” he told parliament on Monday.
Published 6:41 AM EST, November 21, 2023
""",
        "outlet": "AP",
        "published": "2023-11-21",
        "quotes": [
            ("The West wants to drag Armenia", "Sergei Lavrov", "2023-11-21"),
            ("It will not end well for the Armenian people", "Sergei Lavrov", "2023-11-21"),
            ("We are not anyone’s vassal", "Nikol Pashinyan", "2023-11-20"),
        ],
    },
    {
        "name": "apa_hajiyev.txt",
        "text": """Baku, APA. Assistant to the President of Azerbaijan Hikmet Hajiyev has commented on the statements made by Armenian officials.
«Armenia must stop its revanchist rhetoric and sign the peace treaty without delay», Hikmet Hajiyev said on 12 January 2024.
According to him, the so-called «Crossroads of Peace» project cannot replace real commitments.
«We expect Yerevan to respect the territorial integrity of Azerbaijan», the presidential aide noted.
""",
        "outlet": "APA",
        "published": None,
        "quotes": [
            ("Armenia must stop its revanchist rhetoric", "Hikmet Hajiyev", "2024-01-12"),
            ("We expect Yerevan to respect the territorial integrity", "Hikmet Hajiyev", "2024-01-12"),
        ],
        "not_statements": ["Crossroads of Peace"],
    },
    {
        "name": "guardian_single_quotes.txt",
        "text": """The Daily Courier
Published: 14 February 2024
Macron pledges support for Armenia as ties with Moscow fray
The French president, Emmanuel Macron, said France would continue to help Armenia strengthen its defences. 'France will stand by Armenia, whatever the pressure from Moscow,' Macron said after meeting Pashinyan in Paris on Tuesday.
'We don't need anybody's permission to choose our partners,' Pashinyan replied.
Russia's foreign ministry spokeswoman, Maria Zakharova, called the visit 'a provocation'.
© 2024 The Daily Courier. All rights reserved.
""",
        "outlet": "The Daily Courier",
        "published": "2024-02-14",
        "quotes": [
            ("France will stand by Armenia, whatever the pressure", "Emmanuel Macron", "2024-02-13"),
            ("We don't need anybody's permission", "Nikol Pashinyan", None),
        ],
    },
    {
        "name": "paragraph_spanning.txt",
        "text": """Tuesday (9/4/2024)
Belarusian President Alexander Lukashenko urged Yerevan to reconsider its course during a meeting with journalists in Minsk on Monday.
“Armenia is making a historic mistake. Nobody in the alliance has abandoned Armenia, and nobody will.

“I have told Nikol this many times: come back, sit at the table and let us talk,” Lukashenko said.
The Armenian side did not immediately respond.
""",
        "outlet": None,
        "published": "2024-04-09",
        "quotes": [
            ("Armenia is making a historic mistake", "Alexander Lukashenko", "2024-04-08"),
            ("I have told Nikol this many times", "Alexander Lukashenko", "2024-04-08"),
        ],
    },
    {
        "name": "unknown_official.txt",
        "text": """Armenian Deputy Defence Minister Tigran Avetisyan said on Jan. 5 that the army would diversify its arms suppliers.
"Our dependence on a single supplier has proven to be a mistake," Avetisyan said. "We are now buying from India and France."
Azerbaijan's Foreign Ministry spokesman Aykhan Hajizada criticised the purchases, saying they "threaten regional stability."
The contracts were signed in December 2023.
""",
        "outlet": None,
        "published": None,
        "quotes": [
            ("Our dependence on a single supplier", "Tigran Avetisyan", "2024-01-05"),
            ("We are now buying from India and France", "Tigran Avetisyan", "2024-01-05"),
            ("threaten regional stability", "Aykhan Hajizada", None),
        ],
    },
    {
        "name": "nested_and_unattributed.txt",
        "text": """Source: Eurasia Daily Review
2023-09-28T14:03:00Z
Armenian officials describe talks with Moscow as increasingly strained.
“When I asked them for help, they told me ‘this is not our war’, and that was the end of it,” Security Council Secretary Armen Grigoryan said in an interview published on Thursday.
“Nobody expected this,” one diplomat in Yerevan told this newspaper, speaking on condition of anonymity.
“The situation is unacceptable.”
""",
        "outlet": "Eurasia Daily Review",
        "published": "2023-09-28",
        "quotes": [
            ("When I asked them for help", "Armen Grigoryan", "2023-09-28"),
            ("Nobody expected this", None, None),
            ("The situation is unacceptable", None, None),
        ],
    },
    {
        "name": "colon_and_roles.txt",
        "text": """Kremlin reacts to Yerevan's decision
Posted on 2 June 2024
Russian President Vladimir Putin commented on the decision at a press conference in Tashkent last week.
Putin: "If Armenia wants to leave, that is its sovereign right, but it should think about the consequences."
The Russian leader said that Moscow had always fulfilled its obligations to Yerevan.
Armenian Prime Minister Nikol Pashinyan rejected the warning. The prime minister said Armenia would not be intimidated.
""",
        "outlet": None,
        "published": "2024-06-02",
        "quotes": [
            ("If Armenia wants to leave, that is its sovereign right", "Vladimir Putin", "2024-05"),
        ],
        "reported": [
            ("The Russian leader said that Moscow", "Vladimir Putin"),
            ("The prime minister said Armenia would not be intimidated", "Nikol Pashinyan"),
        ],
    },
    {
        "name": "according_to.txt",
        "text": """Armenia's parliament speaker Alen Simonyan on Friday criticised the CSTO again.
According to Simonyan, the bloc "has failed every test it faced since 2021."
The Armenian government has not announced any official decision to leave the alliance, his office said on Saturday.
In his words, "the door is not closed, but the house is empty."
""",
        "outlet": None,
        "published": None,
        "quotes": [
            ("has failed every test it faced since 2021", "Alen Simonyan", None),
            ("the door is not closed, but the house is empty", "Alen Simonyan", None),
        ],
    },
    {
        "name": "relative_dates.txt",
        "text": """Pashinyan skips CSTO summit in Minsk
November 30, 2023
Armenian Prime Minister Nikol Pashinyan did not attend the CSTO summit in Minsk last week.
Earlier this month, Pashinyan said the alliance had failed Armenia. "Our allies did nothing when we needed them," he said at the time.
Last month, Foreign Minister Ararat Mirzoyan told lawmakers that Armenia was "reviewing all its commitments."
Yesterday, Kazakh President Kassym-Jomart Tokayev said he regretted Armenia's absence. "We hope our Armenian colleagues will return," Tokayev said.
Source: Yerevan Times
""",
        "outlet": "Yerevan Times",
        "published": "2023-11-30",
        "quotes": [
            ("Our allies did nothing when we needed them", "Nikol Pashinyan", "2023-11"),
            ("reviewing all its commitments", "Ararat Mirzoyan", "2023-10"),
            ("We hope our Armenian colleagues will return", "Kassym-Jomart Tokayev", "2023-11-29"),
        ],
    },
    {
        "name": "this_was_said_by.txt",
        "text": """Tbilisi, Georgia Today – Georgia will not join any anti-Russian front, the country's leadership says.
The government intends to keep "pragmatic relations with all neighbours, including Russia and Armenia". This was said by Georgian Prime Minister Irakli Kobakhidze at a briefing on 3 March 2024.
Kobakhidze also said that Tbilisi was following the Armenia–Russia dispute closely.
""",
        "outlet": "Georgia Today",
        "published": None,
        "quotes": [
            ("pragmatic relations with all neighbours", "Irakli Kobakhidze", "2024-03-03"),
        ],
    },
    {
        "name": "scare_quotes_only.txt",
        "text": """Armenia's "pivot to the West" has been months in the making.
Flights from "Zvartnots" airport to Moscow were cut in half, and the bill titled "On the Ratification of the Rome Statute" passed in October 2023.
Analysts call it the end of the "strategic alliance" era.
""",
        "outlet": None,
        "published": None,
        "quotes": [],
        "not_statements": ["pivot to the West", "Zvartnots", "On the Ratification of the Rome Statute", "strategic alliance"],
    },
    {
        "name": "blog_boilerplate.txt",
        "text": """Home | World | Politics | Contact
EU's Borrell praises Armenia's reforms
By Jane Whitfield | Updated 12 March 2024
EU foreign policy chief Josep Borrell on Monday praised Armenia's democratic reforms. "Armenia is a reliable partner, and the European Union will continue to support its resilience," Borrell told a press conference in Brussels.
Azerbaijani Foreign Minister Jeyhun Bayramov warned on the same day that "outside interference" would harm the peace process.
Share this:
Facebook Twitter WhatsApp
Related posts
Armenia–EU visa talks begin 2024-02-01
Leave a Reply
Your email address will not be published.
""",
        "outlet": None,
        "published": "2024-03-12",
        "quotes": [
            ("Armenia is a reliable partner", "Josep Borrell", "2024-03-11"),
            ("outside interference", "Jeyhun Bayramov", "2024-03-11"),
        ],
    },
]
