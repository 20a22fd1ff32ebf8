"""Build pairs.jsonl, the labelled near-duplicate pair set, from stories.py and the corpus.

Run from the repository root: ``python tests/data/neardup/build_pairs.py [CORPUS_DIR]``
(``CORPUS_DIR`` defaults to ``../shared/corpus/arabic-news``; without it the corpus pair is
kept as already written in pairs.jsonl). The output is committed; this script documents how
each rewrite was made and keeps the set reproducible.

Each line: ``{"id", "lang", "kind", "duplicate", "note", "a": {"url", "text"}, "b": {…}}``;
``text`` is paragraphs joined by "\\n", as the cleaner outputs it.

Kinds: ``syndicated`` (one story on two sites, different boilerplate and edits),
``same_site`` (one site, two URLs), ``same_topic`` (different stories on one topic or event,
some sharing a background paragraph), ``template`` (recurring reports with new figures),
``flash`` (one- or two-sentence breaking news, same event, same or different facts).
"""

from __future__ import annotations

import json
import sys
from collections.abc import Sequence
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import stories as s  # noqa: E402

OUT = HERE / "pairs.jsonl"
AR_INDIC = str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")


def join(paragraphs: Sequence[str]) -> str:
    return "\n".join(paragraphs)


def drop(paragraphs: Sequence[str], *indexes: int) -> list[str]:
    return [p for i, p in enumerate(paragraphs) if i not in indexes]


def order(paragraphs: Sequence[str], indexes: Sequence[int]) -> list[str]:
    return [paragraphs[i] for i in indexes]


def sub(paragraphs: Sequence[str], *replacements: tuple[str, str]) -> list[str]:
    """Apply text replacements; each must change something (a typo would silently not)."""
    text = "\n".join(paragraphs)
    for old, new in replacements:
        if old not in text:
            raise ValueError(f"replacement target not found: {old!r}")
        text = text.replace(old, new, 1)
    return text.split("\n")


def pair(  # noqa: PLR0917 - each call reads as one row of the data table
    pid: str,
    lang: str,
    kind: str,
    duplicate: bool,
    note: str,
    a: tuple[str, str],
    b: tuple[str, str],
) -> dict[str, object]:
    return {
        "id": pid,
        "lang": lang,
        "kind": kind,
        "duplicate": duplicate,
        "note": note,
        "a": {"url": a[0], "text": a[1]},
        "b": {"url": b[0], "text": b[1]},
    }


def arabic_long() -> list[dict[str, object]]:
    pairs = []
    cbe_b = sub(
        [
            "في قرار ترقبته الأسواق، ثبت البنك المركزي المصري أسعار الفائدة للمرة الثالثة "
            "على التوالي، مع استمرار تراجع التضخم.",
            *drop(s.CBE_HOLD, 5),
            "اقرأ أيضا: سعر الدولار اليوم في البنوك المصرية",
            "(رويترز)",
        ],
        ("في خطوة جاءت متوافقة مع توقعات أغلب المحللين", "في خطوة جاءت متسقة مع توقعات المحللين"),
        ("وأوضح البيان", "وذكر البيان"),
    )
    pairs.append(
        pair(
            "ar-cbe-syndicated",
            "ar",
            "syndicated",
            True,
            "wire story; lead added, analysts paragraph dropped, two wording edits, "
            "read-also leak, sign-off",
            (
                "https://www.youm7.com/story/2024/7/18/البنك-المركزي-يثبت-الفائدة/6650001",
                join(s.CBE_HOLD),
            ),
            ("https://www.masrawy.com/news/news_economy/details/2024/7/18/2612345/", join(cbe_b)),
        )
    )
    quake_b = [*order(drop(s.QUAKE_TURKEY, 3), [0, 1, 3, 2, 4]), "المصدر: وكالات"]
    pairs.append(
        pair(
            "ar-quake-syndicated",
            "ar",
            "syndicated",
            True,
            "paragraphs reordered, one dropped, agency sign-off",
            ("https://www.skynewsarabia.com/world/1700123-زلزال-يضرب-ملاطية", join(s.QUAKE_TURKEY)),
            ("https://arabic.rt.com/world/1560321-زلزال-ملاطية-تركيا/", join(quake_b)),
        )
    )
    metro_b = sub(
        s.RIYADH_METRO,
        ("أعلنت الهيئة الملكية", "اعلنت الهيئة الملكيّة"),
        ("أبرز محطات", "ابرز محطّات"),
        ("وقالت الهيئة في بيان", "وأوضحت الهيئة في بيان لها"),
        ("على أن تفتح", "على أن تُفتح"),
        ("لتجربة القطار", "لتجربة القطار الجديد"),
        ("نحو 22.5 مليار دولار", "حوالى 22.5 مليار دولار"),
        ("وقال مسؤولون", "وبحسب مسؤولين، فإن"),
    )
    pairs.append(
        pair(
            "ar-metro-syndicated",
            "ar",
            "syndicated",
            True,
            "small wording edits, hamza/alef maqsura spellings, diacritics",
            ("https://www.spa.gov.sa/w2012345", join(s.RIYADH_METRO)),
            ("https://www.okaz.com.sa/news/local/2161234", join(metro_b)),
        )
    )
    gaza_b = ["القاهرة - " + s.GAZA_TALKS[0], *s.GAZA_TALKS[1:5]]
    pairs.append(
        pair(
            "ar-gaza-truncated",
            "ar",
            "syndicated",
            True,
            "shorter copy: dateline added, the two background paragraphs cut",
            (
                "https://www.aljazeera.net/news/2024/2/11/استئناف-مفاوضات-القاهرة",
                join(s.GAZA_TALKS),
            ),
            ("https://www.alquds.co.uk/استئناف-مفاوضات-الهدنة-في-القاهرة/", join(gaza_b)),
        )
    )
    sudan_b = [
        *s.SUDAN_FASHER[:4],
        "وكانت قوات الدعم السريع قد أعلنت الأسبوع الماضي أنها ستتجنب استهداف المدنيين، "
        "متهمة الجيش بتحويل الأحياء السكنية إلى مواقع عسكرية.",
        *s.SUDAN_FASHER[4:],
        "(أ ف ب)",
    ]
    pairs.append(
        pair(
            "ar-sudan-syndicated",
            "ar",
            "syndicated",
            True,
            "a context paragraph inserted, agency sign-off",
            (
                "https://www.france24.com/ar/أفريقيا/20240510-الأمم-المتحدة-تحذر-الفاشر",
                join(s.SUDAN_FASHER),
            ),
            (
                "https://www.alarabiya.net/arab-and-world/sudan/2024/05/10/تحذير-أممي-الفاشر",
                join(sudan_b),
            ),
        )
    )
    lebanon_b = [
        *s.LEBANON_SESSION_12[:3],
        "اقرأ أيضا: بري يدعو إلى حوار بين الكتل",
        *s.LEBANON_SESSION_12[3:],
    ]
    pairs.append(
        pair(
            "ar-lebanon-same-site",
            "ar",
            "same_site",
            True,
            "one site, article and print URLs; one extra read-also line",
            (
                "https://www.annahar.com/arabic/section/76-لبنان/14062023-فشل-الجلسة-12",
                join(s.LEBANON_SESSION_12),
            ),
            ("https://www.annahar.com/arabic/print/1098765", join(lebanon_b)),
        )
    )
    ahly_b = ["القاهرة - خاص", *(p.translate(AR_INDIC) for p in s.AHLY_FINAL)]
    pairs.append(
        pair(
            "ar-ahly-digits",
            "ar",
            "syndicated",
            True,
            "Arabic-Indic digits, dateline paragraph",
            ("https://www.filgoal.com/articles/498765", join(s.AHLY_FINAL)),
            ("https://www.elwatannews.com/news/details/7212345", join(ahly_b)),
        )
    )
    oil_b = [
        *drop(s.OIL_MONDAY, 4),
        "وعلى الصعيد المحلي، ثبتت لجنة تسعير المنتجات البترولية أسعار البنزين والسولار في "
        "اجتماعها الأخير.",
    ]
    pairs.append(
        pair(
            "ar-oil-syndicated",
            "ar",
            "syndicated",
            True,
            "last paragraph swapped for a local-context paragraph",
            ("https://www.aawsat.com/الاقتصاد/4812345-النفط-يرتفع", join(s.OIL_MONDAY)),
            ("https://www.shorouknews.com/news/view.aspx?cdate=15012024&id=abc123", join(oil_b)),
        )
    )
    pairs.append(
        pair(
            "ar-oman-amp",
            "ar",
            "same_site",
            True,
            "same text under the article URL and its AMP URL",
            ("https://www.omandaily.om/local/na/ارتفاع-ضحايا-السيول-إلى-18", join(s.OMAN_FLOODS)),
            (
                "https://www.omandaily.om/amp/local/na/ارتفاع-ضحايا-السيول-إلى-18",
                join(s.OMAN_FLOODS),
            ),
        )
    )
    jordan_b = [
        "كشفت بيانات البنك المركزي الأردني أن الدخل السياحي للمملكة ارتفع بنسبة 37 بالمئة "
        "في الأشهر التسعة الأولى من العام على أساس سنوي، إلى 5.2 مليار دولار.",
        "وأوضح وزير السياحة أن الأسواق الأوروبية والأمريكية سجلت نموا لافتا، إلى جانب ارتفاع "
        "أعداد الزوار من دول الخليج خلال موسم الصيف.",
        "وسجلت مدينة البتراء الأثرية أعلى عدد زوار منذ عام 2010، وفقا لوزارة السياحة والآثار "
        "التي قالت إن عدد الزوار الكلي بلغ 5.1 مليون زائر، بينهم 3.9 مليون سائح مبيت.",
        s.JORDAN_TOURISM[4],
    ]
    pairs.append(
        pair(
            "ar-jordan-rewrite",
            "ar",
            "syndicated",
            True,
            "lead reworded, paragraph dropped, clauses of one paragraph reordered",
            (
                "https://petra.gov.jo/Include/InnerPage.jsp?ID=301234&lang=ar",
                join(s.JORDAN_TOURISM),
            ),
            ("https://alghad.com/story/1234567/", join(jordan_b)),
        )
    )
    iraq_b = sub(
        s.IRAQ_POWER,
        ("تظاهر مئات العراقيين", "خرج مئات العراقيين في تظاهرات"),
        ("الانقطاع المتكرر", "الانقطاعات المتكررة"),
        ("وقطع محتجون", "وأغلق محتجون"),
        ("أزمة الكهرباء المزمنة", "أزمة الطاقة المزمنة"),
        ("وقالت وزارة الكهرباء", "وذكرت وزارة الكهرباء"),
        ("وأضافت الوزارة", "وتابعت الوزارة"),
        ("تثقل كاهل الأسر", "ترهق الأسر"),
    )
    pairs.append(
        pair(
            "ar-iraq-reworded",
            "ar",
            "syndicated",
            True,
            "seven wording changes spread over all paragraphs",
            ("https://www.shafaq.com/ar/مجتمع/تظاهرات-الكهرباء-في-الجنوب", join(s.IRAQ_POWER)),
            ("https://www.alsumaria.tv/news/politics/478123/", join(iraq_b)),
        )
    )
    morocco_b = [
        "أعلنت الحكومـــة المغربيّة تسريع إنجاز مشاريع تحلية مياه البحر، في إطار خطة طارئة "
        "لمواجهة الجفاف الذي تعيشه المملكة للسنة السادسة على التوالي. وقال وزير التجهيز "
        "والماء أمام البرلمان إن نسبة ملء السدود تراجعت إلى 23%، مقابل 31% في الفترة نفسها "
        "من العام الماضي؛ ما يهدد تزويد عدد من المدن بمياه الشرب.",
        *s.MOROCCO_WATER[2:],
        "هسبريس - الرباط",
    ]
    pairs.append(
        pair(
            "ar-morocco-merged",
            "ar",
            "syndicated",
            True,
            "paragraphs merged, tatweel, shadda, % for بالمئة, site sign-off",
            (
                "https://www.hespress.com/خطة-طارئة-لمواجهة-الجفاف-1312345.html",
                join(s.MOROCCO_WATER),
            ),
            ("https://www.le360.ma/ar/societe/خطة-الماء-2024/", join(morocco_b)),
        )
    )
    return pairs


def arabic_negatives() -> list[dict[str, object]]:
    def neg(  # noqa: PLR0917 - one row of the data table
        pid: str, kind: str, note: str, a: list[str], b: list[str], url_a: str, url_b: str
    ) -> dict[str, object]:
        return pair(pid, "ar", kind, False, note, (url_a, join(a)), (url_b, join(b)))

    return [
        neg(
            "ar-cbe-hold-vs-hike",
            "same_topic",
            "two central bank decisions months apart",
            s.CBE_HOLD,
            s.CBE_MARCH_HIKE,
            "https://www.youm7.com/story/2024/7/18/x/6650001",
            "https://www.youm7.com/story/2024/3/6/x/6512345",
        ),
        neg(
            "ar-quake-vs-recovery",
            "same_topic",
            "quake report vs next-day recovery story, one shared background paragraph",
            s.QUAKE_TURKEY,
            s.QUAKE_TURKEY_RECOVERY,
            "https://www.skynewsarabia.com/world/1700123",
            "https://www.skynewsarabia.com/world/1700456",
        ),
        neg(
            "ar-metro-vs-buses",
            "same_topic",
            "Riyadh metro opening vs bus network phase",
            s.RIYADH_METRO,
            s.RIYADH_BUSES,
            "https://www.spa.gov.sa/w2012345",
            "https://www.spa.gov.sa/w2016789",
        ),
        neg(
            "ar-gaza-talks-vs-aid",
            "same_topic",
            "ceasefire talks vs aid trucks, shared background and a shared quote",
            s.GAZA_TALKS,
            s.GAZA_AID,
            "https://www.aljazeera.net/news/2024/2/11/a",
            "https://www.aljazeera.net/news/2024/2/12/b",
        ),
        neg(
            "ar-sudan-fasher-vs-omdurman",
            "same_topic",
            "two battlefield stories, shared background",
            s.SUDAN_FASHER,
            s.SUDAN_OMDURMAN,
            "https://www.france24.com/ar/a",
            "https://www.france24.com/ar/b",
        ),
        neg(
            "ar-lebanon-session-12-vs-11",
            "template",
            "11th vs 12th failed presidential vote",
            s.LEBANON_SESSION_12,
            s.LEBANON_SESSION_11,
            "https://www.annahar.com/arabic/1",
            "https://www.annahar.com/arabic/2",
        ),
        neg(
            "ar-ahly-final-vs-first-leg",
            "same_topic",
            "final second leg vs first leg",
            s.AHLY_FINAL,
            s.AHLY_FIRST_LEG,
            "https://www.filgoal.com/articles/498765",
            "https://www.filgoal.com/articles/497001",
        ),
        neg(
            "ar-oil-monday-vs-tuesday",
            "template",
            "daily market reports, new figures, one shared paragraph",
            s.OIL_MONDAY,
            s.OIL_TUESDAY,
            "https://www.aawsat.com/1",
            "https://www.aawsat.com/2",
        ),
        neg(
            "ar-gold-sunday-vs-monday",
            "template",
            "daily gold price reports with new prices",
            s.GOLD_SUNDAY,
            s.GOLD_MONDAY,
            "https://www.masrawy.com/news/gold/1",
            "https://www.masrawy.com/news/gold/2",
        ),
        neg(
            "ar-oman-vs-uae-floods",
            "same_topic",
            "floods in two countries the same week",
            s.OMAN_FLOODS,
            s.UAE_FLOODS,
            "https://www.omandaily.om/local/1",
            "https://www.alkhaleej.ae/2024-04-16/1",
        ),
    ]


def english() -> list[dict[str, object]]:
    red_sea_b = [
        "DUBAI/COPENHAGEN (Reuters) - Shipping companies are bracing for months of disruption in "
        "the Red Sea after a fresh wave of drone and missile attacks on merchant vessels, with "
        "more carriers diverting ships around Africa's Cape of Good Hope.",
        *s.RED_SEA[1:],
        "Reporting by Jonathan Saul in London and Jacob Gronholt-Pedersen in Copenhagen; "
        "Editing by Mark Potter",
    ]
    opec_b = [
        "Oil producers led by Saudi Arabia and Russia have moved to keep a floor under prices.",
        *drop(s.OPEC_CUT, 4),
    ]
    data_b = sub(
        order(s.GULF_DATA_CENTRES, [0, 2, 1, 3, 4, 5]),
        ("data centres as", "data centers as"),
        ("of data centre capacity", "of data center capacity"),
    )
    unsc_b = [
        "By Michelle Nichols",
        "UNITED NATIONS, March 25",
        *s.UNSC_VOTE,
        "Updated 9:41 PM GMT",
    ]
    return [
        pair(
            "en-redsea-syndicated",
            "en",
            "syndicated",
            True,
            "dateline added, reporter sign-off",
            (
                "https://www.reuters.com/world/middle-east/shipping-red-sea-2023-12-19/",
                join(s.RED_SEA),
            ),
            ("https://www.arabnews.com/node/2430123/business-economy", join(red_sea_b)),
        ),
        pair(
            "en-opec-syndicated",
            "en",
            "syndicated",
            True,
            "framing lead added, one paragraph dropped",
            (
                "https://www.reuters.com/business/energy/opec-extends-cuts-2024-06-02/",
                join(s.OPEC_CUT),
            ),
            ("https://www.thenationalnews.com/business/energy/2024/06/02/opec-cuts/", join(opec_b)),
        ),
        pair(
            "en-datacentres-reordered",
            "en",
            "syndicated",
            True,
            "paragraphs swapped, US spelling",
            ("https://www.ft.com/content/gulf-data-centres", join(s.GULF_DATA_CENTRES)),
            ("https://www.zawya.com/en/business/technology/gulf-data-centers-abc123", join(data_b)),
        ),
        pair(
            "en-herat-truncated",
            "en",
            "syndicated",
            True,
            "first five of seven paragraphs only",
            ("https://apnews.com/article/afghanistan-earthquake-herat-abc", join(s.HERAT_QUAKE)),
            ("https://www.aljazeera.com/news/2023/10/7/afghanistan-quake", join(s.HERAT_QUAKE[:5])),
        ),
        pair(
            "en-unsc-byline",
            "en",
            "same_site",
            True,
            "byline, dateline and update stamp as paragraphs",
            (
                "https://www.reuters.com/world/un-security-council-gaza-ceasefire-2024-03-25/",
                join(s.UNSC_VOTE),
            ),
            (
                "https://www.reuters.com/world/middle-east/un-security-council-gaza-2024-03-25/",
                join(unsc_b),
            ),
        ),
        pair(
            "en-redsea-vs-insurance",
            "en",
            "same_topic",
            False,
            "shipping disruption vs insurance premiums",
            ("https://www.reuters.com/world/a", join(s.RED_SEA)),
            ("https://www.reuters.com/world/b", join(s.RED_SEA_INSURANCE)),
        ),
        pair(
            "en-opec-vs-aramco-prices",
            "en",
            "same_topic",
            False,
            "OPEC+ decision vs Aramco price cut",
            ("https://www.reuters.com/business/energy/a", join(s.OPEC_CUT)),
            ("https://www.reuters.com/business/energy/b", join(s.OPEC_SAUDI_PRICES)),
        ),
        pair(
            "en-redsea-rewrite-vs-insurance",
            "en",
            "same_topic",
            False,
            "syndicated copy vs other story",
            ("https://www.arabnews.com/node/2430123", join(red_sea_b)),
            ("https://www.reuters.com/world/b", join(s.RED_SEA_INSURANCE)),
        ),
    ]


def flashes() -> list[dict[str, object]]:
    def flash(  # noqa: PLR0917 - one row of the data table
        pid: str, lang: str, dup: bool, note: str, a: str, b: str, host_a: str, host_b: str
    ) -> dict[str, object]:
        return pair(pid, lang, "flash", dup, note, (host_a, a), (host_b, b))

    return [
        # same flash, different decoration
        flash(
            "flash-ar-sisi-king",
            "ar",
            True,
            "prefix style and agency tag differ",
            "عاجل | الرئاسة المصرية: السيسي يستقبل العاهل الأردني في قصر الاتحادية",
            "عاجل: الرئاسة المصرية: السيسي يستقبل العاهل الأردني في قصر الاتحادية (أ ش أ)",
            "https://www.youm7.com/story/1",
            "https://www.masrawy.com/news/1",
        ),
        flash(
            "flash-ar-morocco-toll-same",
            "ar",
            True,
            "digits, hamza and tanween differ",
            "خبر عاجل - ارتفاع حصيلة ضحايا زلزال المغرب إلى 2012 قتيلا وفق وزارة الداخلية",
            "عاجل: ارتفاع حصيلة ضحايا زلزال المغرب الى ٢٠١٢ قتيلاً وفق وزارة الداخلية",
            "https://www.hespress.com/1",
            "https://www.skynewsarabia.com/1",
        ),
        flash(
            "flash-en-fed-same",
            "en",
            True,
            "BREAKING prefix vs agency suffix",
            "BREAKING: Fed holds interest rates steady at 5.25%-5.50%, signals three cuts in 2024",
            "Fed holds interest rates steady at 5.25%-5.50%, signals three cuts in 2024 - Reuters",
            "https://www.cnbc.com/1",
            "https://www.arabnews.com/1",
        ),
        flash(
            "flash-ar-two-sentences-attribution",
            "ar",
            True,
            "attribution clause appended",
            "عاجل: اندلاع حريق ضخم في سوق شعبي وسط مدينة حلب. وفرق الدفاع المدني تحاول "
            "السيطرة على النيران ومنع امتدادها إلى المباني المجاورة",
            "عاجل: اندلاع حريق ضخم في سوق شعبي وسط مدينة حلب. وفرق الدفاع المدني تحاول "
            "السيطرة على النيران ومنع امتدادها إلى المباني المجاورة، "
            "وفق ما أفادت وسائل إعلام محلية",
            "https://www.enabbaladi.net/1",
            "https://www.alaraby.co.uk/1",
        ),
        flash(
            "flash-fa-kerman-same",
            "fa",
            True,
            "Persian digits, prefix and agency tag",
            "فوری: زلزله ای به بزرگی ۵٫۲ ریشتر استان کرمان را لرزاند",
            "زلزله ای به بزرگی 5.2 ریشتر استان کرمان را لرزاند (ایرنا)",
            "https://www.isna.ir/news/1",
            "https://www.irna.ir/news/1",
        ),
        flash(
            "flash-ar-agency-tags",
            "ar",
            True,
            "different agency tags at the end",
            "عاجل: مجلس الأمن الدولي يعقد جلسة طارئة بشأن الوضع في رفح غدا (رويترز)",
            "مجلس الأمن الدولي يعقد جلسة طارئة بشأن الوضع في رفح غدا - (أ ف ب)",
            "https://www.alarabiya.net/1",
            "https://www.alaraby.co.uk/2",
        ),
        # same event, different facts
        flash(
            "flash-ar-destination",
            "ar",
            False,
            "a different destination, at the very end",
            "عاجل: وزير الخارجية الأمريكي يصل إلى القاهرة",
            "عاجل: وزير الخارجية الأمريكي يصل إلى الرياض",
            "https://www.youm7.com/7",
            "https://www.youm7.com/8",
        ),
        flash(
            "flash-ar-morocco-toll-diff",
            "ar",
            False,
            "death toll updated",
            "عاجل: ارتفاع حصيلة ضحايا زلزال المغرب إلى 2012 قتيلا وفق وزارة الداخلية",
            "عاجل: ارتفاع حصيلة ضحايا زلزال المغرب إلى 2497 قتيلا وفق وزارة الداخلية",
            "https://www.hespress.com/1",
            "https://www.hespress.com/2",
        ),
        flash(
            "flash-ar-strike-target",
            "ar",
            False,
            "a different group targeted",
            "عاجل: الجيش الإسرائيلي يعلن اغتيال قيادي في حزب الله بغارة على جنوب لبنان",
            "عاجل: الجيش الإسرائيلي يعلن اغتيال قيادي في حركة حماس بغارة على جنوب لبنان",
            "https://www.aljazeera.net/1",
            "https://www.aljazeera.net/2",
        ),
        flash(
            "flash-ar-blinken-arrive-leave",
            "ar",
            False,
            "arrives vs leaves",
            "عاجل: وزير الخارجية الأمريكي يصل إلى القاهرة",
            "عاجل: وزير الخارجية الأمريكي يغادر القاهرة",
            "https://www.youm7.com/2",
            "https://www.youm7.com/3",
        ),
        flash(
            "flash-ar-beirut-injuries",
            "ar",
            False,
            "second sentence gives different facts",
            "عاجل: انفجار قوي يهز مرفأ بيروت. ولا أنباء عن وقوع إصابات حتى الآن",
            "عاجل: انفجار قوي يهز مرفأ بيروت. وأنباء عن سقوط عدد من الجرحى",
            "https://www.annahar.com/1",
            "https://www.lbcgroup.tv/1",
        ),
        flash(
            "flash-ar-cbe-hold-vs-hike",
            "ar",
            False,
            "hold vs hike",
            "عاجل | البنك المركزي المصري يثبت أسعار الفائدة",
            "عاجل | البنك المركزي المصري يرفع أسعار الفائدة 600 نقطة أساس",
            "https://www.youm7.com/4",
            "https://www.youm7.com/5",
        ),
        flash(
            "flash-ar-ahly-score",
            "ar",
            False,
            "different scoreline and minute",
            "عاجل: الأهلي يتقدم على الترجي بهدف وسام أبو علي في الدقيقة 18",
            "عاجل: الترجي يتعادل مع الأهلي بهدف يوسف بلايلي في الدقيقة 77",
            "https://www.filgoal.com/1",
            "https://www.filgoal.com/2",
        ),
        flash(
            "flash-en-herat-magnitude",
            "en",
            False,
            "magnitude revised",
            "BREAKING: Magnitude 6.1 earthquake strikes western Afghanistan near Herat - USGS",
            "BREAKING: Magnitude 6.3 earthquake strikes western Afghanistan near Herat - USGS",
            "https://www.aljazeera.com/1",
            "https://www.aljazeera.com/2",
        ),
        flash(
            "flash-en-who-struck-whom",
            "en",
            False,
            "roles reversed",
            "Israel says it struck Hezbollah targets in southern Lebanon",
            "Hezbollah says it struck Israeli targets near the Lebanese border",
            "https://www.reuters.com/1",
            "https://www.reuters.com/2",
        ),
        flash(
            "flash-ar-vs-full-story",
            "ar",
            False,
            "a flash is not a copy of the full report",
            "عاجل | البنك المركزي المصري يثبت أسعار الفائدة للمرة الثالثة على التوالي",
            join(s.CBE_HOLD),
            "https://www.youm7.com/6",
            "https://www.youm7.com/story/2024/7/18/x/6650001",
        ),
        flash(
            "flash-fa-kerman-magnitude",
            "fa",
            False,
            "magnitude differs",
            "فوری: زلزله ای به بزرگی ۵٫۲ ریشتر استان کرمان را لرزاند",
            "فوری: زلزله ای به بزرگی ۴٫۸ ریشتر استان کرمان را لرزاند",
            "https://www.isna.ir/news/1",
            "https://www.isna.ir/news/2",
        ),
    ]


def corpus_pair(corpus: Path) -> dict[str, object] | None:
    """The corpus pair d02 (France 24, original) / d01 (a news aggregator's copy)."""
    gold = corpus / "gold"
    if not gold.is_dir():
        return None
    copy = json.loads((gold / "d01_arabkhabar_pakistan_iran.json").read_text(encoding="utf-8"))
    original = json.loads((gold / "d02_france24_pakistan_iran.json").read_text(encoding="utf-8"))
    if original.get("near_duplicate_of") != copy["file"]:
        raise ValueError("corpus gold no longer marks d02 as a near duplicate of d01")
    return pair(
        "ar-corpus-d01-d02",
        "ar",
        "syndicated",
        True,
        "arabic-news corpus d01/d02 gold texts (near_duplicate_of)",
        (original["url"], original["text"]),
        (copy["url"], copy["text"]),
    )


def previous(pid: str) -> dict[str, object] | None:
    if not OUT.exists():
        return None
    for line in OUT.read_text(encoding="utf-8").splitlines():
        record: dict[str, object] = json.loads(line)
        if record["id"] == pid:
            return record
    return None


def main() -> None:
    corpus = (
        Path(sys.argv[1]) if len(sys.argv) > 1 else HERE.parents[3] / "shared/corpus/arabic-news"
    )
    from_corpus = corpus_pair(corpus) or previous("ar-corpus-d01-d02")
    records = [
        *arabic_long(),
        *([from_corpus] if from_corpus else []),
        *arabic_negatives(),
        *english(),
        *flashes(),
    ]
    ids = [r["id"] for r in records]
    if len(ids) != len(set(ids)):
        raise ValueError("duplicate pair ids")
    with OUT.open("w", encoding="utf-8") as fh:
        for record in records:
            fh.write(json.dumps(record, ensure_ascii=False) + "\n")
    positives = sum(1 for r in records if r["duplicate"])
    print(f"{len(records)} pairs ({positives} duplicates, {len(records) - positives} not) -> {OUT}")


if __name__ == "__main__":
    main()
