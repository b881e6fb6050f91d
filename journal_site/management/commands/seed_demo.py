"""Fill the database with realistic demo data, fast, for benchmarks and demos.

    manage.py seed_demo --users 1000 --entries-per-user 1000 --messages-per-user 20

Users write in English or Polish; entries vary in length (a line, a page,
now and then a long one), are spread over several years, carry a mood and
emotion tags that fit it; conversations alternate user and companion messages
in every mode within the retention period. Rows go in with bulk_create, in
batches, one transaction per batch, and the command reports rows per second.
Every demo user shares one password (hashed once: hashing is deliberately
slow), `--password`, default "demo-password".
"""

import random
import time
from datetime import timedelta

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from conversations.models import ConversationHistory
from conversations.modes import Mode
from diary.excerpts import excerpt_from_lines
from diary.models import DiaryEntry

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

EMOTIONS_BY_MOOD = {
    1: ["sadness", "anger", "fear", "anxious", "lonely", "overwhelmed", "frustrated", "tired"],
    2: ["tired", "stressed", "anxious", "frustrated", "bored", "confused", "guilty", "sadness"],
    3: ["calm", "tired", "bored", "nostalgic", "anticipation", "confused", "content"],
    4: ["content", "calm", "grateful", "hopeful", "joy", "relieved", "trust", "inspired"],
    5: ["joy", "excited", "proud", "loved", "grateful", "inspired", "hopeful", "surprise"],
}
MOOD_WEIGHTS = [6, 14, 30, 32, 18]


class Command(BaseCommand):
    help = "Insert realistic demo users, diary entries and conversations in batches, and report rows per second."

    def add_arguments(self, parser):
        parser.add_argument("--users", type=int, default=10)
        parser.add_argument("--entries-per-user", type=int, default=100)
        parser.add_argument("--messages-per-user", type=int, default=10)
        parser.add_argument("--batch-size", type=int, default=5000)
        parser.add_argument("--years", type=int, default=3, help="entries are spread over this many years")
        parser.add_argument("--prefix", default="demo", help="usernames are <prefix><n>")
        parser.add_argument("--password", default="demo-password")
        parser.add_argument("--seed", type=int, default=None, help="for repeatable data")

    def handle(self, *args, **options):
        users, per_user, messages = options["users"], options["entries_per_user"], options["messages_per_user"]
        if min(users, per_user, messages) < 0 or users == 0:
            raise CommandError("--users must be positive; the other counts at least 0")
        if options["batch_size"] < 1:
            raise CommandError("--batch-size must be positive")
        self.rng = random.Random(options["seed"])  # noqa: S311 - demo data, not secrets  # nosec B311
        self.batch_size = options["batch_size"]
        self.verbosity = options["verbosity"]
        self.now = timezone.now()
        self.span_seconds = max(1, options["years"]) * 365 * 24 * 3600

        started = time.perf_counter()
        user_rows = self.create_users(users, options["prefix"], options["password"])
        user_seconds = time.perf_counter() - started
        self.report("users", len(user_rows), user_seconds)

        started = time.perf_counter()
        entry_count = self.create_entries(user_rows, per_user)
        entry_seconds = time.perf_counter() - started
        self.report("entries", entry_count, entry_seconds)

        started = time.perf_counter()
        message_count = self.create_messages(user_rows, messages)
        message_seconds = time.perf_counter() - started
        self.report("messages", message_count, message_seconds)

        total = len(user_rows) + entry_count + message_count
        self.report("total", total, user_seconds + entry_seconds + message_seconds)

    def report(self, what: str, rows: int, seconds: float) -> None:
        rate = rows / seconds if seconds > 0 else float("inf")
        self.stdout.write(f"{what}: {rows} rows in {seconds:.1f} s, {rate:,.0f} rows/s")

    # --- users -------------------------------------------------------------------------------

    def create_users(self, count: int, prefix: str, password: str) -> list[tuple[int, str]]:
        """Returns (id, language) for each new user."""
        User = get_user_model()
        start = User.objects.filter(username__startswith=prefix).count()
        while User.objects.filter(username__iexact=f"{prefix}{start}").exists():
            start += 1
        hashed = make_password(password)
        rows = []
        for offset in range(0, count, self.batch_size):
            batch = []
            for n in range(start + offset, start + min(count, offset + self.batch_size)):
                language = "pl" if self.rng.random() < 0.4 else "en"
                batch.append(
                    User(
                        username=f"{prefix}{n}",
                        email=f"{prefix}{n}@example.com",
                        password=hashed,
                        language=language,
                        timezone="Europe/Warsaw" if language == "pl" else "UTC",
                        ai_can_read_entries=self.rng.random() < 0.5,
                        created_at=self.now - timedelta(seconds=self.span_seconds + self.rng.randrange(86400 * 30)),
                    )
                )
            with transaction.atomic():
                created = User.objects.bulk_create(batch)
            if created and created[0].pk is None:  # backends that cannot return ids
                names = [u.username for u in batch]
                ids = dict(User.objects.filter(username__in=names).values_list("username", "id"))
                rows.extend((ids[u.username], u.language) for u in batch)
            else:
                rows.extend((u.pk, u.language) for u in created)
        return rows

    # --- entries ----------------------------------------------------------------------------

    def content(self, language: str) -> str:
        roll = self.rng.random()
        if roll < 0.25:
            count = self.rng.randint(1, 2)  # a line
        elif roll < 0.93:
            count = self.rng.randint(3, 9)  # a page
        else:
            count = self.rng.randint(15, 40)  # a long evening of writing
        sentences = self.rng.choices(SENTENCES[language], k=count)
        if count > 6:
            middle = count // 2
            return " ".join(sentences[:middle]) + "\n\n" + " ".join(sentences[middle:])
        return " ".join(sentences)

    def entry(self, user_id: int, language: str) -> DiaryEntry:
        rng = self.rng
        mood = rng.choices(range(1, 6), weights=MOOD_WEIGHTS)[0] if rng.random() < 0.9 else None
        tags = rng.sample(EMOTIONS_BY_MOOD[mood or 3], k=rng.choice((0, 1, 1, 2, 2, 3, 4)))
        content = self.content(language)
        created = self.now - timedelta(seconds=rng.randrange(self.span_seconds))
        return DiaryEntry(
            user_id=user_id,
            title=rng.choice(TITLES[language]) if rng.random() < 0.7 else "",
            content=content,
            mood=mood,
            emotion_tags=tags,
            exclude_from_ai=rng.random() < 0.05,
            word_count=len(content.split()),
            # The generated text has no markup: its paragraphs are the excerpt's lines.
            excerpt=excerpt_from_lines(content.split("\n\n")),
            created_at=created,
            updated_at=created,
        )

    def create_entries(self, users: list[tuple[int, str]], per_user: int) -> int:
        total = 0
        batch: list[DiaryEntry] = []
        for user_id, language in users:
            for _ in range(per_user):
                batch.append(self.entry(user_id, language))
                if len(batch) >= self.batch_size:
                    total += self._insert(DiaryEntry, batch)
                    batch = []
        if batch:
            total += self._insert(DiaryEntry, batch)
        return total

    def _insert(self, model, rows: list) -> int:
        with transaction.atomic():
            model.objects.bulk_create(rows, batch_size=self.batch_size)
        if self.verbosity >= 2:
            self.stdout.write(f"  {model.__name__}: +{len(rows)}")
        return len(rows)

    # --- conversations ---------------------------------------------------------------------------

    def create_messages(self, users: list[tuple[int, str]], per_user: int) -> int:
        """Pairs of a user message and its reply, in random modes, within the last 30 days.

        An odd count leaves each user's last message waiting for its reply.
        """
        total = 0
        modes = [mode.value for mode in Mode]
        pairs = (per_user + 1) // 2
        pending: list[tuple[ConversationHistory, ConversationHistory | None]] = []
        for user_id, language in users:
            for i in range(pairs):
                mode = self.rng.choice(modes)
                at = self.now - timedelta(seconds=self.rng.randrange(29 * 86400))
                unanswered = per_user % 2 == 1 and i == pairs - 1
                question = ConversationHistory(
                    user_id=user_id,
                    mode=mode,
                    role="user",
                    created_at=at,
                    content=self.rng.choice(USER_MESSAGES[language]),
                    status="pending" if unanswered else "answered",
                )
                answer = None
                if not unanswered:
                    answer = ConversationHistory(
                        user_id=user_id,
                        mode=mode,
                        role="assistant",
                        created_at=at + timedelta(seconds=2),
                        content=self.rng.choice(REPLIES[language]),
                        provider="offline",
                        model="offline",
                        latency_ms=self.rng.randint(2, 40),
                    )
                pending.append((question, answer))
                if len(pending) * 2 >= self.batch_size:
                    total += self._insert_pairs(pending)
                    pending = []
        if pending:
            total += self._insert_pairs(pending)
        return total

    def _insert_pairs(self, pairs: list[tuple[ConversationHistory, ConversationHistory | None]]) -> int:
        with transaction.atomic():
            questions = ConversationHistory.objects.bulk_create([question for question, _ in pairs])
            answers = []
            for question, (_same, answer) in zip(questions, pairs, strict=True):
                if answer is not None:
                    answer.reply_to_id = question.pk
                    answers.append(answer)
            ConversationHistory.objects.bulk_create(answers)
        return len(questions) + len(answers)
