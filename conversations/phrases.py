"""The offline companion's wording, in English and Polish.

Each slot has several variants so that replies in one conversation do not
repeat. The companion never quotes the user: it names the feelings it hears,
what the message is about, or how it was said, in its own words. The Polish is
written to be gender-neutral without "-(a)" forms: present tense, "Ty" forms,
impersonal questions. Placeholders: {feelings_adj} / {feelings_noun} (English
adjectives / nouns), {feelings_acc} / {feelings_nom} (Polish accusative /
nominative), {emotion} (one feeling, as a noun). How a reply is put together:
docs/companion-replies.md.
"""

# code: (English adjective, English noun, Polish nominative, Polish accusative)
FEELINGS = {
    "joy": ("happy", "joy", "radość", "radość"),
    "trust": ("trusting", "trust", "zaufanie", "zaufanie"),
    "fear": ("afraid", "fear", "strach", "strach"),
    "surprise": ("surprised", "surprise", "zaskoczenie", "zaskoczenie"),
    "sadness": ("sad", "sadness", "smutek", "smutek"),
    "disgust": ("disgusted", "disgust", "niesmak", "niesmak"),
    "anger": ("angry", "anger", "złość", "złość"),
    "anticipation": ("eager", "anticipation", "wyczekiwanie", "wyczekiwanie"),
    "calm": ("calm", "calm", "spokój", "spokój"),
    "grateful": ("grateful", "gratitude", "wdzięczność", "wdzięczność"),
    "proud": ("proud", "pride", "duma", "dumę"),
    "hopeful": ("hopeful", "hope", "nadzieja", "nadzieję"),
    "loved": ("loved", "love", "miłość", "miłość"),
    "content": ("content", "contentment", "zadowolenie", "zadowolenie"),
    "excited": ("excited", "excitement", "ekscytacja", "ekscytację"),
    "relieved": ("relieved", "relief", "ulga", "ulgę"),
    "inspired": ("inspired", "inspiration", "inspiracja", "inspirację"),
    "tired": ("tired", "tiredness", "zmęczenie", "zmęczenie"),
    "stressed": ("stressed", "stress", "stres", "stres"),
    "anxious": ("anxious", "anxiety", "niepokój", "niepokój"),
    "lonely": ("lonely", "loneliness", "samotność", "samotność"),
    "bored": ("bored", "boredom", "nuda", "nudę"),
    "confused": ("confused", "confusion", "zagubienie", "zagubienie"),
    "frustrated": ("frustrated", "frustration", "frustracja", "frustrację"),
    "guilty": ("guilty", "guilt", "poczucie winy", "poczucie winy"),
    "ashamed": ("ashamed", "shame", "wstyd", "wstyd"),
    "overwhelmed": ("overwhelmed", "overwhelm", "przytłoczenie", "przytłoczenie"),
    "nostalgic": ("nostalgic", "nostalgia", "nostalgia", "nostalgię"),
}

# Naming the feelings heard, per mode: a listener validates, a reflective partner
# wonders, a coach treats the feeling as information.
REFLECT_FEELINGS = {
    "supportive": {
        "en": (
            "It sounds like you're feeling {feelings_adj}.",
            "I can hear {feelings_noun} in what you wrote.",
            "You sound {feelings_adj}, and that's understandable.",
            "There's a lot of {feelings_noun} in this.",
        ),
        "pl": (
            "Słyszę w tym {feelings_acc}.",
            "Wyczuwam w Twoich słowach {feelings_acc}.",
            "Mam wrażenie, że towarzyszy Ci teraz {feelings_nom}.",
            "Między wierszami słyszę {feelings_acc}.",
        ),
    },
    "reflective": {
        "en": (
            "I notice {feelings_noun} in what you're describing.",
            "So {feelings_noun} is part of this for you.",
            "It seems {feelings_noun} sits somewhere in this.",
            "What stands out to me is the {feelings_noun}.",
        ),
        "pl": (
            "Zauważam w tym {feelings_acc}.",
            "Wygląda na to, że w tym wszystkim jest {feelings_nom}.",
            "Zwraca moją uwagę {feelings_nom}.",
            "Słyszę w tym {feelings_acc} i chcę się temu przyjrzeć.",
        ),
    },
    "coaching": {
        "en": (
            "Feeling {feelings_adj} is hard, and it makes sense. Let's see what could help a little.",
            "I hear the {feelings_noun} in this. We can take it gently, one piece at a time.",
            "That's a lot to carry when you're {feelings_adj}. Let's look at it together, step by step.",
        ),
        "pl": (
            "Słyszę w tym {feelings_acc} i to zrozumiałe. Zobaczmy, co mogłoby choć trochę pomóc.",
            "Wyczuwam {feelings_acc}. Możemy podejść do tego łagodnie, kawałek po kawałku.",
            "Rozumiem, że czujesz {feelings_acc}, i to w porządku. Przyjrzyjmy się temu razem, krok po kroku.",
        ),
    },
    "gratitude": {
        "en": (
            "I can hear {feelings_noun} in this.",
            "It sounds like you're feeling {feelings_adj}.",
        ),
        "pl": (
            "Słyszę w tym {feelings_acc}.",
            "Wyczuwam w Twoich słowach {feelings_acc}.",
        ),
    },
}

# What the message is about, when it names no feeling: said in the companion's own words.
TOPICS = {
    "family": {
        "en": ("It sounds like your family is on your mind.", "Family can stir up a lot, in every direction."),
        "pl": ("Widzę, że myślisz o swoich bliskich.", "Rodzina potrafi poruszyć wiele, w każdą stronę."),
    },
    "partner": {
        "en": ("It sounds like this is about someone close to you.", "Relationships take up a lot of room in us."),
        "pl": ("To chyba dotyczy kogoś Ci bliskiego.", "Związki zajmują w nas sporo miejsca."),
    },
    "friends": {
        "en": ("It sounds like friends are part of this.", "The people around us shape our days a lot."),
        "pl": ("Wygląda na to, że chodzi tu o przyjaciół.", "Ludzie wokół nas mocno wpływają na nasze dni."),
    },
    "work": {
        "en": ("It sounds like work is taking up a lot of space.", "Work has a way of following us home."),
        "pl": ("Wygląda na to, że praca zajmuje teraz sporo miejsca.", "Praca potrafi iść za nami aż do domu."),
    },
    "school": {
        "en": ("It sounds like studying is a big part of this.", "Learning takes a lot of energy."),
        "pl": ("Wygląda na to, że chodzi o naukę.", "Nauka kosztuje sporo energii."),
    },
    "sleep": {
        "en": ("Sleep affects everything else, so this matters.", "Rest is a big part of how a day feels."),
        "pl": ("Sen wpływa na całą resztę, więc to ważne.", "Od odpoczynku sporo zależy."),
    },
    "health": {
        "en": ("Your body and health are part of this.", "When health is involved, everything feels heavier."),
        "pl": ("W tym wszystkim chodzi też o zdrowie.", "Gdy w grę wchodzi zdrowie, wszystko waży więcej."),
    },
    "outdoors": {
        "en": ("Time outside can change a whole day.", "There's something about being outdoors."),
        "pl": ("Czas na zewnątrz potrafi zmienić cały dzień.", "Bycie na powietrzu robi swoje."),
    },
}
# Word beginnings that point at a topic, English and Polish (matched on lowercase words without accents).
# Words that point at a topic, English and Polish, matched on lowercase words without accents: a
# beginning of three letters or fewer must be the whole word, a longer one may start a word.
TOPIC_WORDS = {
    "family": (
        "mum", "mom", "mother", "dad", "father", "parent", "daughter", "son", "sons", "kid", "kids", "child",
        "sister", "brother", "grandm", "grandp", "family", "mama", "mamie", "mamus", "mamo", "tata", "tato",
        "tacie", "taty", "tatus", "rodzic", "cork", "coreczk", "syn", "syna", "synem", "synow", "dziec", "dzieck",
        "siostr", "brat", "babc", "dziad", "rodzin", "wnuk", "wnucz",
    ),
    "partner": (
        "partner", "husband", "wife", "boyfriend", "girlfriend", "maz", "meza", "mezem", "zona", "zony", "zone",
        "chlopak", "dziewczyn", "narzeczon",
    ),
    "friends": ("friend", "przyjaci", "kolezank", "kolega", "kolegi", "znajom"),
    "work": (
        "work", "job", "boss", "office", "colleague", "deadline", "meeting", "project", "prac", "szef",
        "biur", "spotkani", "projekt", "termin",
    ),
    "school": ("school", "exam", "study", "class", "university", "szkol", "egzamin", "studi", "nauk", "uczelni"),
    "sleep": ("sleep", "slept", "insomnia", "nap", "sen", "snu", "spie", "spal", "wyspa", "bezsenn", "drzemk"),
    "health": (
        "doctor", "sick", "ill", "pain", "hospital", "lekarz", "chor", "boli", "bolal", "bolu", "szpital", "zdrow",
    ),
    "outdoors": (
        "walk", "park", "sun", "sunny", "forest", "river", "beach", "spacer", "las", "lasu", "lesie", "rzek",
        "slonc", "plaz",
    ),
}

# No feeling named and no topic found: an acknowledgement that does not repeat the message.
ACKNOWLEDGE = {
    "en": (
        "Thank you for telling me about it.",
        "I'm glad you're writing this down.",
        "I'm taking this in.",
        "Thanks for sharing that with me.",
    ),
    "pl": (
        "Dziękuję, że mi o tym piszesz.",
        "Dobrze, że to zapisujesz.",
        "Przyjmuję to, co piszesz.",
        "Dziękuję, że się tym dzielisz.",
    ),
}

# A greeting: greet back.
GREETING = {
    "en": ("Hello, good to see you here.", "Hi. I'm glad you stopped by."),
    "pl": ("Cześć, dobrze, że jesteś.", "Hej, miło, że zaglądasz."),
}
GREETING_WORDS = ("hi", "hello", "hey", "morning", "evening", "czesc", "hej", "witaj", "witam", "dobry", "siema")

# A message of a few words: no pressure to say more.
SHORT = {
    "en": (
        "No rush; a few words are fine.",
        "That's okay, short is fine here.",
        "Take your time.",
    ),
    "pl": (
        "Bez pośpiechu; kilka słów wystarczy.",
        "W porządku, można krótko.",
        "Nie spiesz się.",
    ),
}

# The user asked something: the companion cannot know the answer, so it says so per mode.
QUESTION_ACK = {
    "supportive": {
        "en": (
            "That's a real question, and it's okay not to have the answer yet.",
            "It makes sense to wonder about that.",
        ),
        "pl": (
            "To ważne pytanie i w porządku, że nie ma jeszcze na nie odpowiedzi.",
            "To zrozumiałe, że się nad tym zastanawiasz.",
        ),
    },
    "reflective": {
        "en": (
            "That's a question worth turning over slowly.",
            "Questions like that often point at something that matters.",
        ),
        "pl": (
            "To pytanie warto powoli obrócić w myślach.",
            "Takie pytania często wskazują na coś ważnego.",
        ),
    },
    "coaching": {
        "en": (
            "Good question. Let's make it practical.",
            "Let's turn that question into something you can act on.",
        ),
        "pl": (
            "Dobre pytanie. Podejdźmy do niego praktycznie.",
            "Zamieńmy to pytanie w coś, co da się zrobić.",
        ),
    },
    "gratitude": {
        "en": (
            "That's worth wondering about.",
            "I can't answer that for you, but we can look at it from a kinder side.",
        ),
        "pl": (
            "Warto się nad tym zastanowić.",
            "Nie odpowiem za Ciebie, ale możemy spojrzeć na to życzliwiej.",
        ),
    },
}

# Gratitude mode, when the user answers why a good thing mattered or who made it possible.
GRATITUDE_NOTED = {
    "en": (
        "That says a lot about what matters to you.",
        "It's good to see where it came from.",
        "Thank you for looking at it so closely.",
    ),
    "pl": (
        "To wiele mówi o tym, co jest dla Ciebie ważne.",
        "Dobrze zobaczyć, skąd to się wzięło.",
        "Dziękuję, że przyglądasz się temu tak uważnie.",
    ),
}

# Gratitude mode, when the user names a good thing: receive it, never ask for one again.
GRATITUDE_RECEIVED = {
    "en": (
        "That's a lovely thing to notice.",
        "What a good thing to have.",
        "That counts, and it's worth savouring for a moment.",
        "I'm glad that was part of your day.",
    ),
    "pl": (
        "Piękne, że to zauważasz.",
        "To naprawdę dobra rzecz.",
        "To się liczy i warto się tym chwilę nacieszyć.",
        "Cieszę się, że to było w Twoim dniu.",
    ),
}

NO_DIAGNOSIS = {
    "en": (
        "I can't tell you whether you have a condition, and I won't guess: only a doctor or therapist can "
        "assess that, and talking to one is a good step. I can keep listening, though.",
        "That's not something I can judge, and I won't put a label on you. A doctor or therapist can look at "
        "it properly with you. Here, I'm happy to keep listening.",
    ),
    "pl": (
        "Nie mogę ocenić, czy coś Ci dolega, i nie będę zgadywać: to może zrobić tylko lekarz lub "
        "psychoterapeuta, a rozmowa z nim to dobry krok. Mogę za to dalej słuchać.",
        "Tego nie potrafię ocenić i nie będę przyklejać etykiet. Lekarz lub psychoterapeuta może przyjrzeć się "
        "temu razem z Tobą. Tutaj chętnie dalej posłucham.",
    ),
}

ENTRIES_NOTE = {
    "en": (
        "Looking at your recent entries, {emotion} has come up more than once.",
        "Your recent entries mention {emotion} a few times too.",
    ),
    "pl": (
        "W Twoich ostatnich wpisach kilka razy wraca {emotion}.",
        "W kilku ostatnich wpisach też pojawia się {emotion}.",
    ),
}

CRISIS_OPENING = {
    "en": (
        "Thank you for telling me. What you're going through sounds really serious, and I'm glad you said it "
        "out loud. Your safety matters more than anything we could talk about here.",
        "I'm really glad you reached out and told me this. It sounds very painful, and you deserve real "
        "support right now, from a person who can be with you.",
        "What you wrote matters, and so do you. This is too important to carry alone, and I want you to have "
        "someone with you in this.",
    ),
    "pl": (
        "Dziękuję, że mi o tym mówisz. To, przez co przechodzisz, brzmi bardzo poważnie, i dobrze, że mówisz "
        "to na głos. Twoje bezpieczeństwo jest ważniejsze niż wszystko, o czym moglibyśmy tu rozmawiać.",
        "Bardzo dobrze, że się odzywasz i o tym piszesz. To brzmi bardzo boleśnie i zasługujesz teraz na "
        "prawdziwe wsparcie drugiej osoby, która może być przy Tobie.",
        "To, co piszesz, jest ważne, i Ty jesteś ważną osobą. Nie musisz dźwigać tego w pojedynkę; dobrze, "
        "żeby ktoś był teraz przy Tobie.",
    ),
}

CRISIS_QUESTION = {
    "en": (
        "Are you safe right now?",
        "Is there someone near you, or someone you could call, right now?",
        "Could you reach out to one of these now, while we keep talking?",
    ),
    "pl": (
        "Czy jesteś teraz w bezpiecznym miejscu?",
        "Czy jest ktoś obok Ciebie albo ktoś, do kogo możesz teraz zadzwonić?",
        "Czy możesz skontaktować się z którymś z tych numerów teraz, a my porozmawiamy dalej?",
    ),
}

# Per mode, per valence of what the user wrote: hard, good or neither.
MODE_BODY = {
    "supportive": {
        "hard": {
            "en": (
                "That sounds really hard, and it makes sense that you feel this way.",
                "Anyone in your place could feel like this; your feelings make sense.",
                "That's a lot to carry. You don't have to make it smaller than it is here.",
                "It's understandable that this weighs on you. Thank you for trusting me with it.",
                "There's nothing wrong with feeling this. It sounds like it has been a heavy time.",
            ),
            "pl": (
                "To brzmi naprawdę trudno i to zrozumiałe, że tak się czujesz.",
                "Każdy na Twoim miejscu mógłby tak się czuć; Twoje uczucia mają sens.",
                "To dużo do dźwigania. Tutaj nie musisz tego pomniejszać.",
                "To zrozumiałe, że Ci to ciąży. Dziękuję, że mi to powierzasz.",
                "Nie ma nic złego w tym, że to czujesz. Brzmi to jak ciężki czas.",
            ),
        },
        "good": {
            "en": (
                "That's lovely to hear, and you deserve to enjoy it.",
                "I'm really glad this happened for you.",
                "It's good to pause on moments like this; they matter.",
                "That sounds genuinely good. It's worth letting it sink in.",
            ),
            "pl": (
                "Miło to słyszeć i zasługujesz, żeby się tym cieszyć.",
                "Bardzo się cieszę, że to Cię spotkało.",
                "Warto zatrzymać się przy takich chwilach; one są ważne.",
                "To brzmi naprawdę dobrze. Warto pozwolić temu wybrzmieć.",
            ),
        },
        "neutral": {
            "en": (
                "I'm here and listening, with no rush.",
                "Take all the space you need; I'm listening.",
                "Whatever this is for you, it's welcome here.",
                "I'm with you in this. There's no right or wrong way to say it.",
            ),
            "pl": (
                "Jestem tu i słucham, bez pośpiechu.",
                "Nie spiesz się; słucham.",
                "Cokolwiek to dla Ciebie znaczy, jest tu na to miejsce.",
                "Jestem z Tobą. Nie ma dobrego ani złego sposobu, żeby to powiedzieć.",
            ),
        },
    },
    "reflective": {
        "hard": {
            "en": (
                "It might help to look at this a little more closely, gently.",
                "Hard moments often carry something important underneath.",
                "Sometimes naming what's beneath a feeling makes it a little clearer.",
                "Let's slow down and look at this together.",
            ),
            "pl": (
                "Może pomóc przyjrzeć się temu trochę bliżej, łagodnie.",
                "Trudne chwile często niosą pod spodem coś ważnego.",
                "Czasem nazwanie tego, co jest pod uczuciem, trochę je rozjaśnia.",
                "Zwolnijmy i przyjrzyjmy się temu razem.",
            ),
        },
        "good": {
            "en": (
                "Good moments can tell us a lot about what matters to us.",
                "It's worth noticing what made this feel the way it did.",
                "There may be something here worth understanding better.",
                "Moments like this are worth looking at, not only the hard ones.",
            ),
            "pl": (
                "Dobre chwile wiele mówią o tym, co jest dla nas ważne.",
                "Warto zauważyć, co sprawiło, że to było dobre.",
                "Może jest tu coś, co warto lepiej zrozumieć.",
                "Warto przyglądać się takim chwilom, nie tylko tym trudnym.",
            ),
        },
        "neutral": {
            "en": (
                "Let's take a closer look at this together.",
                "There may be more to this than first meets the eye.",
                "I'm curious about what this means to you.",
                "Let's follow this thread a little further.",
            ),
            "pl": (
                "Przyjrzyjmy się temu razem trochę bliżej.",
                "Może kryje się w tym więcej, niż widać na pierwszy rzut oka.",
                "Ciekawi mnie, co to dla Ciebie znaczy.",
                "Pójdźmy za tą nitką trochę dalej.",
            ),
        },
    },
    "coaching": {
        "hard": {
            "en": (
                "That's a real worry. Let's not try to solve all of it at once; one small step is enough.",
                "It makes sense that this feels big. Let's look for one thing that's within your reach.",
                "Worries shrink a little when we find one thing we can actually do. Let's look for it.",
                "You don't need a whole plan right now, only a first step.",
            ),
            "pl": (
                "To prawdziwe zmartwienie. Nie próbujmy rozwiązać wszystkiego naraz; wystarczy jeden mały krok.",
                "To zrozumiałe, że to wydaje się duże. Poszukajmy jednej rzeczy, która jest w Twoim zasięgu.",
                "Zmartwienie trochę maleje, gdy znajdujemy jedną rzecz, którą naprawdę możemy zrobić. Poszukajmy jej.",
                "Nie potrzebujesz teraz całego planu, tylko pierwszego kroku.",
            ),
        },
        "good": {
            "en": (
                "That's good momentum. Let's see how to build on it with one small step.",
                "Nice. This could be a good moment to take one small step forward.",
                "It sounds like you have some energy for this. Let's put it into one concrete step.",
                "Let's turn this good feeling into something small and doable.",
            ),
            "pl": (
                "To dobry rozpęd. Zobaczmy, jak pójść za nim jednym małym krokiem.",
                "Świetnie. To może być dobry moment na jeden mały krok naprzód.",
                "Wygląda na to, że masz na to trochę energii. Zamieńmy ją w jeden konkretny krok.",
                "Wykorzystajmy ten dobry nastrój na coś małego i wykonalnego.",
            ),
        },
        "neutral": {
            "en": (
                "Let's turn this into one small, concrete step.",
                "Let's find the smallest step that would move this forward.",
                "A small step you can actually take beats a big plan. Let's find one.",
                "Let's make this manageable: one step at a time.",
            ),
            "pl": (
                "Zamieńmy to w jeden mały, konkretny krok.",
                "Znajdźmy najmniejszy krok, który posunie to do przodu.",
                "Mały krok, który naprawdę zrobisz, jest lepszy niż wielki plan. Znajdźmy go.",
                "Rozłóżmy to na małe kroki.",
            ),
        },
    },
    "gratitude": {
        "hard": {
            "en": (
                "That sounds heavy, and it's okay to feel it. Gratitude doesn't cancel it; it can sit beside it.",
                "Hard feelings are welcome here too. When you're ready, we can look for something small that "
                "helped, even a little.",
                "It's all right that today isn't easy. Even on days like this, small good things can be found.",
            ),
            "pl": (
                "To brzmi ciężko i masz prawo tak się czuć. Wdzięczność tego nie przekreśla; może być obok.",
                "Na trudne uczucia też jest tu miejsce. Gdy zechcesz, poszukamy czegoś małego, co choć trochę "
                "pomogło.",
                "W porządku, że dziś nie jest łatwo. Nawet w takie dni można znaleźć małe dobre rzeczy.",
            ),
        },
        "good": {
            "en": (
                "That's worth savouring for a moment.",
                "Lovely. Let's stay with that good thing a little longer.",
                "That's a beautiful thing to notice.",
                "I'm glad you noticed that; it counts.",
            ),
            "pl": (
                "Warto się tym przez chwilę nacieszyć.",
                "Pięknie. Zostańmy przy tej dobrej rzeczy trochę dłużej.",
                "Piękne, że to dostrzegasz.",
                "Dobrze, że to zauważasz; to się liczy.",
            ),
        },
        "neutral": {
            "en": (
                "Let's take a quiet moment for a short gratitude practice.",
                "Even small things count here.",
                "There's no wrong answer in this practice.",
                "Let's notice together what went well, however small.",
            ),
            "pl": (
                "Poświęćmy spokojną chwilę na krótką praktykę wdzięczności.",
                "Nawet drobiazgi się tu liczą.",
                "W tej praktyce nie ma złych odpowiedzi.",
                "Zauważmy razem, co poszło dobrze, choćby w drobnej sprawie.",
            ),
        },
    },
}

MODE_QUESTIONS = {
    "supportive": {
        "en": (
            "What has been the hardest part of it for you?",
            "How are you feeling right now, as you write this?",
            "What would feel supportive for you at the moment?",
            "Is there more you'd like to tell me about it?",
            "What do you wish someone understood about this?",
            "How have you been looking after yourself through this?",
            "What is weighing on you the most?",
            "Who or what has helped you, even a little?",
        ),
        "pl": (
            "Co było w tym dla Ciebie najtrudniejsze?",
            "Jak się czujesz teraz, kiedy to piszesz?",
            "Co byłoby dla Ciebie teraz wspierające?",
            "Czy chcesz mi powiedzieć o tym coś więcej?",
            "Co chcesz, żeby ktoś w tym zrozumiał?",
            "Jak o siebie dbasz w tym wszystkim?",
            "Co najbardziej Ci ciąży?",
            "Kto lub co choć trochę Ci pomaga?",
        ),
    },
    "reflective": {
        "en": (
            "What do you think lies underneath this feeling?",
            "When have you felt something similar before?",
            "What does this situation mean to you?",
            "What would you say to a friend who told you the same thing?",
            "What part of this surprises you the most?",
            "If this feeling could speak, what would it ask for?",
            "What do you notice about the way you think about this?",
            "What matters to you here, beneath it all?",
        ),
        "pl": (
            "Co według Ciebie kryje się pod tym uczuciem?",
            "Kiedy wcześniej pojawiło się w Tobie coś podobnego?",
            "Co ta sytuacja dla Ciebie znaczy?",
            "Co usłyszałby od Ciebie przyjaciel, który przeżywa to samo?",
            "Co w tym najbardziej Cię zaskakuje?",
            "Gdyby to uczucie mogło mówić, o co by prosiło?",
            "Co zauważasz w tym, jak o tym myślisz?",
            "Co jest tu dla Ciebie ważne, pod tym wszystkim?",
        ),
    },
    "coaching": {
        "en": (
            "What is one small thing you could do about it in the next 24 hours?",
            "What would a first step look like, small enough that you could start today?",
            "Which part of this is in your control?",
            "What could make that step a little easier?",
            "When exactly could you take that step?",
            "What might get in the way, and how could you prepare for it?",
            "Who could help you with the first step?",
            "How will you know that the step is done?",
        ),
        "pl": (
            "Jaką jedną małą rzecz możesz z tym zrobić w ciągu najbliższych 24 godzin?",
            "Jak wyglądałby pierwszy krok, na tyle mały, że możesz zacząć dziś?",
            "Która część tego zależy od Ciebie?",
            "Co mogłoby trochę ułatwić ten krok?",
            "Kiedy dokładnie możesz zrobić ten krok?",
            "Co może stanąć na przeszkodzie i jak możesz się na to przygotować?",
            "Kto mógłby Ci pomóc przy pierwszym kroku?",
            "Po czym poznasz, że krok jest zrobiony?",
        ),
    },
}

# Supportive mode after something that was not hard: questions that assume no trouble.
SUPPORTIVE_LIGHT_QUESTIONS = {
    "en": (
        "How does it feel, looking back on it?",
        "What would you like to say more about?",
        "What has stayed with you from it?",
    ),
    "pl": (
        "Jak się z tym czujesz, kiedy o tym myślisz?",
        "O czym chcesz napisać więcej?",
        "Co najbardziej Ci z tego zostało?",
    ),
}

# The gratitude practice goes step by step: the question depends on how far it has come.
GRATITUDE_STEPS = {
    "en": (
        (
            "What is one good thing from today, however small?",
            "Can you name one thing, however small, that you're glad about today?",
        ),
        (
            "Why did that matter to you?",
            "What made that moment good for you?",
        ),
        (
            "Who or what made it possible?",
            "Is there someone you'd like to thank for it, even just in your thoughts?",
        ),
        (
            "What is a second good thing, from today or yesterday?",
            "Can you find another small good thing, maybe something easy to overlook?",
        ),
        (
            "And a third one: what else are you grateful for right now?",
            "One more, to make three: what else made your day a little better?",
        ),
        (
            "How do you feel now, after naming these good things?",
            "What would you like to take with you from this practice?",
        ),
    ),
    "pl": (
        (
            "Jaka jest jedna dobra rzecz z dzisiejszego dnia, nawet drobna?",
            "Czy możesz nazwać jedną rzecz, choćby małą, z której się dziś cieszysz?",
        ),
        (
            "Dlaczego to było dla Ciebie ważne?",
            "Co sprawiło, że ta chwila była dla Ciebie dobra?",
        ),
        (
            "Kto lub co to umożliwiło?",
            "Czy jest ktoś, komu chcesz za to podziękować, choćby w myślach?",
        ),
        (
            "Jaka jest druga dobra rzecz, z dziś albo z wczoraj?",
            "Czy znajdziesz jeszcze jedną małą dobrą rzecz, może łatwą do przeoczenia?",
        ),
        (
            "I trzecia: co jeszcze dobrego dziś się wydarzyło?",
            "Jeszcze jedna, żeby były trzy: co jeszcze choć trochę poprawiło Twój dzień?",
        ),
        (
            "Jak się teraz czujesz, gdy te dobre rzeczy są nazwane?",
            "Co chcesz zabrać ze sobą z tej praktyki?",
        ),
    ),
}

LIST_AND = {"en": "and", "pl": "i"}
