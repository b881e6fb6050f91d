"""The offline companion's wording, in English and Polish.

Each slot has several variants so that replies in one conversation do not
repeat; the Polish avoids gendered past-tense forms ("napisałeś/napisałaś")
by speaking in the present tense. Placeholders: {emotions} (a list of
feelings), {quote} (a short piece of what the user wrote), {emotion} (one
feeling from recent entries).
"""

REFLECT_EMOTIONS = {
    "en": (
        "What I hear in your words: {emotions}.",
        "Reading this, a few feelings stand out to me: {emotions}.",
        "There seems to be a lot in this for you: {emotions}.",
        "Feelings I notice in what you wrote: {emotions}.",
        "Underneath your words I hear: {emotions}.",
        "If I'm reading you right, the feelings here are: {emotions}.",
    ),
    "pl": (
        "W Twoich słowach słyszę: {emotions}.",
        "Czytając to, zauważam takie uczucia: {emotions}.",
        "Sporo w tym dla Ciebie jest: {emotions}.",
        "Uczucia, które wybrzmiewają w tym, co piszesz: {emotions}.",
        "Jeśli dobrze Cię czytam, pod tymi słowami jest: {emotions}.",
        "Brzmi to tak, jakby pojawiało się w Tobie: {emotions}.",
    ),
}

REFLECT_QUOTE = {
    "en": (
        "Thank you for putting this into words: “{quote}”.",
        "I'm hearing you: “{quote}”.",
        "“{quote}”: I'm glad you wrote that down.",
        "You're telling me: “{quote}”. I'm taking that in.",
        "Let me stay with what you wrote for a moment: “{quote}”.",
        "“{quote}”. Thank you for sharing that with me.",
    ),
    "pl": (
        "Dziękuję, że ubierasz to w słowa: „{quote}”.",
        "Słyszę Cię: „{quote}”.",
        "„{quote}”: dobrze, że to zapisujesz.",
        "Piszesz: „{quote}”. Zatrzymuję się przy tym.",
        "Pobądźmy chwilę przy tym, co piszesz: „{quote}”.",
        "„{quote}”. Dziękuję, że się tym dzielisz.",
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
        "W Twoich ostatnich wpisach kilka razy pojawia się: {emotion}.",
        "Ostatnie wpisy też kilka razy mówią o tym: {emotion}.",
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
        "To, co piszesz, jest ważne, i Ty jesteś ważny(-a). To zbyt wiele, by nieść to samemu, i chcę, żeby "
        "ktoś był z Tobą w tym.",
    ),
}

CRISIS_QUESTION = {
    "en": (
        "Are you safe right now?",
        "Is there someone near you, or someone you could call, right now?",
        "Could you reach out to one of these now, while we keep talking?",
    ),
    "pl": (
        "Czy jesteś teraz bezpieczny(-a)?",
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
                "Weź tyle miejsca, ile potrzebujesz; słucham.",
                "Czymkolwiek to dla Ciebie jest, jest tu mile widziane.",
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
                "Warto zauważyć, co sprawiło, że to było takie, jakie było.",
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
                "Wygląda na to, że jest w Tobie na to trochę energii. Zamieńmy ją w jeden konkretny krok.",
                "Zamieńmy to dobre uczucie w coś małego i wykonalnego.",
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
                "Zróbmy to wykonalnym: krok po kroku.",
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
                "To brzmi ciężko i w porządku jest to czuć. Wdzięczność tego nie przekreśla; może być obok.",
                "Trudne uczucia też są tu mile widziane. Gdy zechcesz, poszukamy czegoś małego, co choć trochę "
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
                "To piękna rzecz do zauważenia.",
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
            "Co chciałbyś lub chciałabyś, żeby ktoś w tym zrozumiał?",
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
            "Kiedy wcześniej czułeś lub czułaś coś podobnego?",
            "Co ta sytuacja dla Ciebie znaczy?",
            "Co powiedziałbyś lub powiedziałabyś przyjacielowi, który mówi to samo?",
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
            "I trzecia: za co jeszcze jesteś teraz wdzięczny(-a)?",
            "Jeszcze jedna, żeby były trzy: co jeszcze choć trochę poprawiło Twój dzień?",
        ),
        (
            "Jak się czujesz teraz, po nazwaniu tych dobrych rzeczy?",
            "Co chcesz zabrać ze sobą z tej praktyki?",
        ),
    ),
}

LIST_AND = {"en": "and", "pl": "i"}
