"""The benchmark's and the demo's text: what bench/seed_demo.py and bench/bench_import.py write.

English and Polish, as the journal's users write: diary sentences and titles,
questions to the companion and its replies, and loose words for import files.
"""

SENTENCES = {
    "en": [
        "Woke up before the alarm and watched the light come in.",
        "Work was a long string of meetings, and I felt scattered by lunch.",
        "Called my sister; we laughed about the summer at the lake.",
        "The rain did not stop all day, so I stayed in and read.",
        "I finally finished the report that had been hanging over me.",
        "My knee hurt on the stairs again, I should see someone about it.",
        "Cooked soup from whatever was left in the fridge and it was good.",
        "A friend cancelled at the last minute and I was more upset than I expected.",
        "Walked by the river after dinner and felt calmer.",
        "Slept badly, thinking about money and the rent.",
        "The kids were loud, but bedtime went better than usual.",
        "I said no to an extra project and did not feel guilty for once.",
        "Went for a run in the cold; the first kilometre was awful, the rest was fine.",
        "Spent the evening fixing the bike and listening to an old album.",
        "My manager thanked me in front of the team, which felt nice.",
        "There was an argument at home about small things that are not small.",
        "I noticed I keep checking my phone when I am anxious.",
        "Tried the breathing exercise from last week and it helped a little.",
        "Grandma told the story about the war again, and I listened properly this time.",
        "Nothing special happened, and that was exactly what I needed.",
        "I am tired of pretending everything is fine at work.",
        "Planted tomatoes on the balcony; we will see if they survive.",
        "The train was late and I missed the start of the lesson.",
        "Got good news from the doctor, the results are normal.",
        "I keep putting off the email I need to write to my father.",
        "Met a new neighbour, she has a dog called Pickle.",
        "Today I felt proud of how patient I was.",
        "Lost my keys, found them in the freezer, no idea how.",
        "The city was quiet this morning, almost like a holiday.",
        "Wrote three pages of the story I keep abandoning.",
    ],
    "pl": [
        "Obudziłam się przed budzikiem i patrzyłam, jak robi się jasno.",
        "W pracy same spotkania, do obiadu byłem już zupełnie rozkojarzony.",
        "Zadzwoniłem do siostry, śmialiśmy się z wakacji nad jeziorem.",
        "Cały dzień padało, więc zostałam w domu i czytałam.",
        "Wreszcie skończyłem raport, który wisiał nade mną od tygodnia.",
        "Znowu bolało mnie kolano na schodach, muszę iść do lekarza.",
        "Ugotowałam zupę z resztek z lodówki i wyszła świetnie.",
        "Przyjaciel odwołał spotkanie w ostatniej chwili i zrobiło mi się przykro.",
        "Po kolacji spacer nad rzeką, od razu spokojniej.",
        "Źle spałem, myślałem o pieniądzach i czynszu.",
        "Dzieci były głośne, ale usypianie poszło lepiej niż zwykle.",
        "Odmówiłam dodatkowego projektu i tym razem nie czułam winy.",
        "Pobiegłem na mrozie; pierwszy kilometr był okropny, potem już dobrze.",
        "Wieczorem naprawiałam rower i słuchałam starej płyty.",
        "Szefowa podziękowała mi przy całym zespole, miło.",
        "W domu kłótnia o drobiazgi, które wcale nie są drobiazgami.",
        "Zauważyłem, że sięgam po telefon, kiedy się denerwuję.",
        "Spróbowałam ćwiczenia oddechowego z zeszłego tygodnia i trochę pomogło.",
        "Babcia znowu opowiadała o wojnie, tym razem naprawdę słuchałem.",
        "Nic szczególnego się nie wydarzyło i właśnie tego potrzebowałam.",
        "Mam dość udawania, że w pracy wszystko jest w porządku.",
        "Posadziłem pomidory na balkonie, zobaczymy, czy przetrwają.",
        "Pociąg się spóźnił i nie zdążyłam na początek zajęć.",
        "Dobre wieści od lekarza, wyniki w normie.",
        "Ciągle odkładam maila, którego muszę napisać do taty.",
        "Poznałem nową sąsiadkę, ma psa o imieniu Pestka.",
        "Dziś byłam z siebie dumna, że zachowałam cierpliwość.",
        "Zgubiłem klucze, znalazłem je w zamrażarce, nie wiem jak.",
        "Rano miasto było ciche, prawie jak w święto.",
        "Napisałam trzy strony opowiadania, które ciągle porzucam.",
    ],
}

TITLES = {
    "en": [
        "Monday",
        "A quiet evening",
        "Rain again",
        "Small wins",
        "Too many meetings",
        "Sunday walk",
        "Hard day",
        "Good news",
        "Thinking about home",
        "Before sleep",
        "Notes",
        "The run",
    ],
    "pl": [
        "Poniedziałek",
        "Spokojny wieczór",
        "Znowu deszcz",
        "Małe sukcesy",
        "Za dużo spotkań",
        "Niedzielny spacer",
        "Ciężki dzień",
        "Dobre wieści",
        "Myśli o domu",
        "Przed snem",
        "Notatki",
        "Bieganie",
    ],
}

USER_MESSAGES = {
    "en": [
        "I had a hard day at work and I cannot stop thinking about it.",
        "What could I do to sleep better?",
        "I am grateful for my friends today.",
        "How do I stop putting things off?",
        "I feel lonely in the evenings.",
    ],
    "pl": [
        "Miałam ciężki dzień w pracy i nie mogę przestać o tym myśleć.",
        "Co mogę zrobić, żeby lepiej spać?",
        "Jestem dziś wdzięczny za moich przyjaciół.",
        "Jak przestać wszystko odkładać?",
        "Wieczorami czuję się samotna.",
    ],
}

REPLIES = {
    "en": [
        "That sounds heavy. What part of the day stays with you the most?",
        "Thank you for sharing that. What would a kind next step look like?",
        "It is good to notice that. What made it possible today?",
    ],
    "pl": [
        "To brzmi ciężko. Która część dnia najbardziej z Tobą zostaje?",
        "Dziękuję, że o tym piszesz. Jak wyglądałby życzliwy następny krok?",
        "Dobrze, że to zauważasz. Co dziś to umożliwiło?",
    ],
}

# Loose words, both languages mixed, for the entries of a generated import file.
WORDS = [
    "today", "walked", "river", "calm", "tired", "work", "friend", "coffee", "rain", "sun", "dinner", "call",
    "mother", "book", "music", "quiet", "dzisiaj", "spacer", "rzeka", "spokój", "praca", "przyjaciel",
    "kawa", "deszcz", "słońce", "kolacja", "telefon", "książka", "cisza",
]
