"""Deterministic news-like text in Arabic and English for the generated benchmark site.

Sentences are assembled from phrase lists (subject, verb, object, circumstance), so every
page gets different but plausible prose without shipping any real article. Only the
standard library's :class:`random.Random` is used, so a seed gives the same text on every
machine and Python version.

Each article body speaks of a few actors, actions and places of its own
(:func:`story_vocabulary`) and its sentences carry dates, amounts and attributions, as news
does. Drawing every sentence from the whole lists made two unrelated articles share about a
tenth of their three-word phrases (Jaccard 0.11 in Arabic, 0.17 in English; a third of the
English pairs shared a near-duplicate band key), where real articles share almost none
(0.0001 to 0.0005 on the corpora): the duplicate check then compared every article with
some 150 unrelated ones, a load no real site gives it.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, replace

from demo.dates import MONTHS_EG, MONTHS_EN

LANGUAGES = ("ar", "en")


@dataclass(frozen=True)
class Vocabulary:
    """The phrase lists of one language."""

    subjects: tuple[str, ...]
    verbs: tuple[str, ...]
    objects: tuple[str, ...]
    tails: tuple[str, ...]
    connectors: tuple[str, ...]
    quotes: tuple[str, ...]
    places: tuple[str, ...]
    topics: tuple[str, ...]
    names: tuple[str, ...]
    sections: tuple[str, ...]
    section_slugs: tuple[str, ...]
    read_more: str
    by: str
    percent: str
    said: str
    months: tuple[str, ...] = ()
    units: tuple[str, ...] = ()
    #: Introduces a place ("in Cairo").
    in_place: str = "in"
    #: Introduces a date ("on 12 March").
    on: str = ""
    #: Introduces an attribution ("according to …").
    according: str = ""


_AR = Vocabulary(
    subjects=(
        "الحكومة",
        "وزارة الاقتصاد",
        "البنك المركزي",
        "رئيس الوزراء",
        "المتحدث باسم الوزارة",
        "مجلس النواب",
        "الأمم المتحدة",
        "السلطات المحلية",
        "الخبراء",
        "المسؤولون",
        "وزير الخارجية",
        "الشركة الوطنية للكهرباء",
        "هيئة الإحصاء",
        "المحللون",
        "سكان المدينة",
        "نقابة المعلمين",
        "المستثمرون",
        "وزارة الصحة",
        "المنظمات الإنسانية",
        "اتحاد الكرة",
        "الجامعة العربية",
        "صندوق النقد الدولي",
        "وزير المالية",
        "المحافظ",
        "لجنة الطاقة",
    ),
    verbs=(
        "أعلنت",
        "أكدت",
        "قالت",
        "كشفت",
        "أشارت إلى",
        "أوضحت",
        "ناقشت",
        "رفضت",
        "طالبت بـ",
        "حذرت من",
        "رحبت بـ",
        "درست",
        "تابعت",
        "أقرت",
        "اقترحت",
        "انتقدت",
        "دعمت",
        "راجعت",
    ),
    objects=(
        "خطة جديدة لدعم الاقتصاد المحلي",
        "زيادة أسعار الوقود في الأسواق",
        "مشروعا لتطوير البنية التحتية",
        "برنامجا لتشغيل الشباب",
        "اتفاقا للتعاون التجاري",
        "إجراءات لخفض معدلات التضخم",
        "تقريرا عن أوضاع اللاجئين",
        "موازنة العام المقبل",
        "خطة لإصلاح شبكة الكهرباء",
        "حملة للتطعيم في المدارس",
        "قانونا جديدا للاستثمار",
        "مبادرة لدعم المزارعين",
        "مشروع محطة لتحلية المياه",
        "نتائج الانتخابات البلدية",
        "بيانات النمو الاقتصادي",
        "خطة لتوسيع شبكة النقل العام",
        "أسعار المواد الغذائية",
        "ارتفاع معدلات البطالة بين الشباب",
        "مفاوضات السلام في المنطقة",
        "قرار رفع الفائدة",
    ),
    tails=(
        "خلال الأسبوع الماضي",
        "في مؤتمر صحفي عقد اليوم",
        "وفق بيان رسمي",
        "بحسب مصادر مطلعة",
        "في ظل الظروف الراهنة",
        "منذ بداية العام الحالي",
        "وسط ترقب واسع في الأسواق",
        "قبل نهاية الشهر الجاري",
        "بعد أشهر من المفاوضات",
        "في خطوة وصفها مراقبون بالمهمة",
        "على هامش القمة الإقليمية",
        "رغم التحديات الاقتصادية",
        "استجابة لمطالب المواطنين",
    ),
    connectors=(
        "وأضاف",
        "ومن جهته",
        "في المقابل",
        "وفي السياق ذاته",
        "كما",
        "وبحسب التقرير",
        "وتابع",
        "إلى ذلك",
        "من ناحية أخرى",
        "وأشار المصدر إلى أن",
    ),
    quotes=(
        "نحن ملتزمون بتنفيذ هذه الخطة في الوقت المحدد",
        "الأرقام تظهر تحسنا واضحا مقارنة بالعام الماضي",
        "لا يمكن تحقيق التنمية من دون مشاركة القطاع الخاص",
        "الوضع يتطلب تحركا سريعا من جميع الأطراف",
        "سنواصل العمل حتى تصل الخدمات إلى كل المناطق",
    ),
    places=(
        "القاهرة",
        "الرياض",
        "عمّان",
        "بيروت",
        "الرباط",
        "الجزائر",
        "تونس",
        "الدوحة",
        "دبي",
        "بغداد",
        "الخرطوم",
        "مسقط",
        "الكويت",
        "المنامة",
        "طرابلس",
    ),
    topics=(
        "الاقتصاد",
        "الطاقة",
        "الصحة",
        "التعليم",
        "النقل",
        "الزراعة",
        "المياه",
        "الرياضة",
        "التكنولوجيا",
        "السياحة",
        "الإسكان",
        "البيئة",
    ),
    names=(
        "أحمد منصور",
        "سارة الخطيب",
        "محمد العلي",
        "ليلى حداد",
        "يوسف الشامي",
        "نور الهدى سالم",
        "خالد إبراهيم",
        "ريم عبد الله",
        "عمر ناصر",
        "هدى يوسف",
    ),
    sections=("سياسة", "اقتصاد", "رياضة", "صحة", "تكنولوجيا", "ثقافة", "منوعات", "العالم"),
    section_slugs=("politics", "economy", "sport", "health", "tech", "culture", "misc", "world"),
    read_more="اقرأ أيضاً",
    by="كتب",
    percent="في المئة",
    months=MONTHS_EG,
    units=(
        "مليون دولار",
        "مليار ريال",
        "طن",
        "كيلومتر",
        "شخص",
        "برميل يوميا",
        "وظيفة",
        "ميغاواط",
        "مدرسة",
        "أسرة",
    ),
    in_place="في",
    on="في",
    according="بحسب",
    said="وقال",
)

_EN = Vocabulary(
    subjects=(
        "The government",
        "The finance ministry",
        "The central bank",
        "The prime minister",
        "A ministry spokesperson",
        "Parliament",
        "The United Nations",
        "Local authorities",
        "Economists",
        "Officials",
        "The foreign minister",
        "The national power company",
        "The statistics office",
        "Analysts",
        "Residents of the city",
        "The teachers' union",
        "Investors",
        "The health ministry",
        "Aid agencies",
        "The football federation",
        "The Arab League",
        "The International Monetary Fund",
        "The governor",
        "The energy board",
    ),
    verbs=(
        "announced",
        "confirmed",
        "said",
        "revealed",
        "pointed to",
        "explained",
        "discussed",
        "rejected",
        "called for",
        "warned of",
        "welcomed",
        "studied",
        "followed",
        "approved",
        "proposed",
        "criticised",
        "backed",
        "reviewed",
    ),
    objects=(
        "a new plan to support the local economy",
        "higher fuel prices at the pump",
        "a project to upgrade roads and bridges",
        "a programme to create jobs for young people",
        "a trade cooperation agreement",
        "measures to bring inflation down",
        "a report on the situation of refugees",
        "next year's budget",
        "a plan to repair the electricity grid",
        "a vaccination drive in schools",
        "a new investment law",
        "an initiative to help farmers",
        "a desalination plant",
        "the results of the municipal elections",
        "the latest growth figures",
        "a plan to extend public transport",
        "the price of basic foods",
        "rising unemployment among graduates",
        "peace talks in the region",
        "an interest rate rise",
    ),
    tails=(
        "last week",
        "at a press conference on Monday",
        "according to an official statement",
        "according to people familiar with the matter",
        "under the current circumstances",
        "since the start of the year",
        "as markets waited for the decision",
        "before the end of the month",
        "after months of negotiations",
        "in a move observers called significant",
        "on the sidelines of the regional summit",
        "despite the economic headwinds",
        "in response to public pressure",
    ),
    connectors=(
        "He added that",
        "For its part,",
        "By contrast,",
        "In the same vein,",
        "Also,",
        "According to the report,",
        "She went on:",
        "Meanwhile,",
        "On the other hand,",
        "The source noted that",
    ),
    quotes=(
        "we are committed to delivering this plan on time",
        "the figures show a clear improvement on last year",
        "development cannot happen without the private sector",
        "the situation calls for quick action from everyone involved",
        "we will keep working until services reach every district",
    ),
    places=(
        "Cairo",
        "Riyadh",
        "Amman",
        "Beirut",
        "Rabat",
        "Algiers",
        "Tunis",
        "Doha",
        "Dubai",
        "Baghdad",
        "Khartoum",
        "Muscat",
        "Kuwait City",
        "Manama",
        "Tripoli",
    ),
    topics=(
        "economy",
        "energy",
        "health",
        "education",
        "transport",
        "farming",
        "water",
        "sport",
        "technology",
        "tourism",
        "housing",
        "environment",
    ),
    names=(
        "Ahmed Mansour",
        "Sara Khatib",
        "Mohammed Ali",
        "Layla Haddad",
        "Youssef Shami",
        "Nour Salem",
        "Khaled Ibrahim",
        "Reem Abdullah",
        "Omar Nasser",
        "Huda Youssef",
    ),
    sections=(
        "Politics",
        "Business",
        "Sport",
        "Health",
        "Technology",
        "Culture",
        "Lifestyle",
        "World",
    ),
    section_slugs=("politics", "economy", "sport", "health", "tech", "culture", "misc", "world"),
    read_more="Read more",
    by="By",
    percent="percent",
    months=MONTHS_EN,
    units=(
        "million dollars",
        "billion euros",
        "tonnes",
        "kilometres",
        "people",
        "barrels a day",
        "jobs",
        "megawatts",
        "schools",
        "families",
    ),
    on="on",
    according="according to",
    said="said",
)

VOCABULARIES: dict[str, Vocabulary] = {"ar": _AR, "en": _EN}


def story_vocabulary(rng: random.Random, vocab: Vocabulary) -> Vocabulary:
    """The words of one story: a few of the language's actors, actions, objects and places.

    A story is about a handful of actors; see the module docstring for why this matters.
    """

    def some(words: tuple[str, ...], k: int) -> tuple[str, ...]:
        return tuple(rng.sample(words, min(k, len(words))))

    return replace(
        vocab,
        subjects=some(vocab.subjects, 4),
        verbs=some(vocab.verbs, 5),
        objects=some(vocab.objects, 5),
        tails=some(vocab.tails, 4),
        connectors=some(vocab.connectors, 4),
        quotes=some(vocab.quotes, 2),
        places=some(vocab.places, 3),
        names=some(vocab.names, 3),
    )


def sentence(rng: random.Random, vocab: Vocabulary) -> str:
    """One news sentence: subject, verb, object, often a place, number or circumstance,
    and often a date, an amount or an attribution."""
    parts = [rng.choice(vocab.subjects), rng.choice(vocab.verbs), rng.choice(vocab.objects)]
    roll = rng.random()
    if roll < 0.35:
        parts.append(rng.choice(vocab.tails))
    elif roll < 0.6:
        parts.append(f"{vocab.in_place} {rng.choice(vocab.places)}")
    elif roll < 0.8:
        parts.append(f"{rng.randint(2, 95)} {vocab.percent}")
    if vocab.months and rng.random() < 0.45:
        parts.append(f"{vocab.on} {rng.randint(1, 28)} {rng.choice(vocab.months)}")
    if vocab.units and rng.random() < 0.5:
        parts.append(f"{rng.randint(2, 9999)} {rng.choice(vocab.units)}")
    if vocab.according and rng.random() < 0.3:
        parts.append(f"{vocab.according} {rng.choice(vocab.names)}")
    if rng.random() < 0.3:
        parts.insert(0, rng.choice(vocab.connectors))
    return " ".join(parts) + "."


def paragraph(rng: random.Random, vocab: Vocabulary, sentences: tuple[int, int] = (2, 5)) -> str:
    """A paragraph of a few sentences, sometimes with a quotation."""
    body = [sentence(rng, vocab) for _ in range(rng.randint(*sentences))]
    if rng.random() < 0.2:
        quote = rng.choice(vocab.quotes)
        body.append(f"{vocab.said} {rng.choice(vocab.names)}: «{quote}».")
    return " ".join(body)


def headline(rng: random.Random, vocab: Vocabulary) -> str:
    """A headline: a sentence without its final full stop, sometimes with a place."""
    text = f"{rng.choice(vocab.subjects)} {rng.choice(vocab.verbs)} {rng.choice(vocab.objects)}"
    if rng.random() < 0.5:
        text += f" {vocab.in_place} {rng.choice(vocab.places)}"
    return text


def short_line(rng: random.Random, vocab: Vocabulary) -> str:
    """A teaser line for related-article cards and tickers."""
    return f"{rng.choice(vocab.subjects)} {rng.choice(vocab.verbs)} {rng.choice(vocab.objects)}"
