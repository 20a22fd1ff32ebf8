"""Each noise rule of the cleaning chain, on small pages built around one kind of noise.

Every page has a headline and the same five body paragraphs; a test adds one piece of noise
in or around the body and checks, through the whole chain, that the noise is gone and every
body paragraph is still there, in order.
"""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from pipelines.cleaning.chain import clean_page
from pipelines.cleaning.model import CleanArticle, PageInput, SiteHints

FETCHED_AT = datetime(2024, 2, 1, 12, 0, tzinfo=UTC)
TITLE = "الحكومة تعلن خطة جديدة لدعم الصناعات الصغيرة والمتوسطة في المحافظات"
BODY = [
    "أعلنت الحكومة، اليوم الثلاثاء، عن خطة جديدة لدعم الصناعات الصغيرة والمتوسطة في عدد من "
    "المحافظات، تتضمن حزمة من الحوافز الضريبية والتمويلية للشركات الناشئة خلال العامين المقبلين.",
    "وقال وزير الصناعة في مؤتمر صحفي إن الخطة تستهدف توفير نحو خمسين ألف فرصة عمل جديدة، "
    "وزيادة مساهمة هذه الصناعات في الناتج المحلي الإجمالي بنسبة ملموسة بحلول نهاية العقد.",
    "وأوضح الوزير أن البنوك الحكومية ستخصص محفظة تمويلية بفائدة مدعمة للمشروعات الجديدة، على أن "
    "تعطى الأولوية للمشروعات التي تعتمد على مكونات محلية وتستهدف أسواق التصدير في المنطقة.",
    "وأشار إلى أن الوزارة ستطلق منصة إلكترونية موحدة لتلقي طلبات التمويل ومتابعتها، بما يختصر "
    "الإجراءات ويقلل الزمن اللازم للحصول على التراخيص إلى أقل من شهر واحد في معظم الحالات.",
    "ويرى خبراء اقتصاديون أن نجاح الخطة يتوقف على سرعة التنفيذ وتوفير الأراضي الصناعية المرفقة "
    "بأسعار مناسبة، إلى جانب تدريب العمالة وتحسين البنية التحتية في المناطق الصناعية الجديدة.",
]


def build(
    *,
    before: str = "",
    inside: str = "",
    after_p2: str = "",
    after: str = "",
    head: str = "",
    header: str = "",
) -> bytes:
    """A news page: headline, five body paragraphs, and noise where asked."""
    paragraphs = [f"<p>{text}</p>" for text in BODY]
    paragraphs.insert(2, after_p2)
    return f"""<!DOCTYPE html>
<html lang="ar" dir="rtl"><head><meta charset="utf-8"><title>{TITLE} | الموقع</title>{head}</head>
<body>
<nav><a href="/">الرئيسية</a> <a href="/eco">اقتصاد</a> <a href="/sport">رياضة</a></nav>
<main><article class="story">
<h1>{TITLE}</h1>{header}
{before}
<div class="story-body">{inside}{"".join(paragraphs)}</div>
{after}
</article></main>
<footer><p>جميع الحقوق محفوظة 2024</p></footer>
</body></html>""".encode()


def clean(
    body: bytes, url: str = "https://news.example/a/1", hints: SiteHints | None = None
) -> CleanArticle:
    return clean_page(PageInput(body, url, FETCHED_AT, hints=hints or SiteHints()))


def assert_body_intact(article: CleanArticle) -> None:
    assert article.is_article, article.reason
    assert article.text.split("\n") == BODY


def test_plain_page_is_exactly_the_body() -> None:
    assert_body_intact(clean(build()))


NOISE = {
    "read_also_line": (
        '<p><strong>اقرأ أيضاً:</strong> <a href="/a/2">وزير المالية يكشف موعد صرف الزيادة '
        "الجديدة في المعاشات</a></p>",
        ["اقرأ أيضاً", "وزير المالية يكشف موعد صرف"],
    ),
    "read_also_spelling_hamza_tanween": (
        '<p><b>إقرأ ايضًا</b> <a href="/a/3">ارتفاع أسعار الذهب في السوق المحلية خلال '
        "التعاملات</a></p>",
        ["ايضًا", "ارتفاع أسعار الذهب"],
    ),
    "read_also_tatweel": (
        '<div class="inline"><span>اقـرأ أيضـاً</span><a href="/a/4">البنك المركزي يثبت أسعار '
        "الفائدة للمرة الثالثة</a></div>",
        ["اقـرأ", "البنك المركزي يثبت"],
    ),
    "read_also_label_then_link_paragraph": (
        '<p><strong>اقرأ أيضا</strong></p><p><a href="/a/5">رئيس الوزراء يتفقد مشروعات الإسكان '
        "بالعاصمة الإدارية</a></p>",
        ["اقرأ أيضا", "رئيس الوزراء يتفقد"],
    ),
    "english_read_more_list": (
        '<div><p><strong>Read more:</strong></p><ul><li><a href="/b/1">Suez Canal revenue slumps '
        "as ships avoid Red Sea</a></li>"
        '<li><a href="/b/2">Insurers weigh return to Red Sea cover as attacks '
        "ease</a></li></ul></div>",
        ["Read more", "Suez Canal revenue", "Insurers weigh"],
    ),
    "headline_only_list": (
        '<ul class="x"><li><a href="/c/1">تعرف على أسعار الشقق الجديدة في المدن الجديدة</a></li>'
        '<li><a href="/c/2">موعد تسليم الوحدات السكنية للحاجزين الجدد</a></li>'
        '<li><a href="/c/3">طريقة الاستعلام عن نتيجة القرعة بالرقم القومي</a></li></ul>',
        ["تعرف على أسعار الشقق", "موعد تسليم الوحدات", "طريقة الاستعلام"],
    ),
    "ad_label": ('<div class="slot-x"><span>إعلان</span></div>', ["إعلان"]),
    "ad_scroll_to_continue": (
        '<div class="slot"><span>Advertisement · Scroll to continue</span></div>',
        ["Advertisement", "Scroll to continue"],
    ),
    "figure_caption_and_credit": (
        '<figure><img src="/i.jpg" alt=""><p class="copyright"><span class="visually-hidden">صدر '
        "الصورة، </span>Getty Images</p>"
        '<figcaption><span class="visually-hidden">التعليق على الصورة، </span>عمال في مصنع '
        "للنسيج بالمنطقة الصناعية</figcaption></figure>",
        ["صدر الصورة", "Getty Images", "التعليق على الصورة", "عمال في مصنع للنسيج"],
    ),
    "newsletter_box": (
        '<div class="nl-inline"><h4>النشرة الإخبارية</h4><p>اشترك في النشرة البريدية المجانية '
        "لتصلك أهم الأخبار يوميا</p>"
        '<input type="email"><button>اشترك</button></div>',
        ["النشرة الإخبارية", "اشترك في النشرة البريدية"],
    ),
    "sign_up_paragraph": (
        '<div class="promo"><p>The Daily Briefing newsletter brings you the news you need. <a '
        'href="/nl">Sign up here.</a></p></div>',
        ["Daily Briefing newsletter", "Sign up here"],
    ),
    "share_prompt": (
        '<div class="tools"><span>شارك الخبر:</span> <a href="#">فيسبوك</a> <a '
        'href="#">تويتر</a> <a href="#">واتساب</a></div>',
        ["شارك الخبر", "واتساب"],
    ),
    "video_embed": (
        '<div class="video-embed"><p class="t">شاهد | أهداف مباريات الجولة الرابعة عشرة</p>'
        '<iframe src="https://www.youtube.com/embed/x"></iframe><span>المصدر: قناة '
        "الموقع</span></div>",
        ["شاهد |", "أهداف مباريات", "قناة الموقع"],
    ),
    "skip_link_promo": (
        '<section class="promo"><a href="#end-promo">تخطى البودكاست وواصل '
        "القراءة</a><p>البودكاست</p>"
        '<p>بودكاست يومي يقدم قصصا إنسانية وتحليلات لأبرز الأخبار</p><p id="end-promo">نهاية '
        "البودكاست</p></section>",
        ["تخطى البودكاست", "بودكاست يومي", "نهاية البودكاست"],
    ),
    "related_card": (
        '<div class="card"><span>أخبار ذات صلة</span><a href="/d/1"><h4>كيف يغير الذكاء '
        "الاصطناعي سوق العمل في المنطقة؟</h4></a></div>",
        ["أخبار ذات صلة", "كيف يغير الذكاء الاصطناعي"],
    ),
    "persian_read_more": (
        '<section><h2>بیشتر بخوانید</h2><ul><li><a href="/p/1">چرا ایران با کمبود سوخت '
        "روبه‌روست؟</a></li></ul></section>",
        ["بیشتر بخوانید", "کمبود سوخت"],
    ),
    "urdu_read_also": (
        '<p><strong>یہ بھی پڑھیں:</strong> <a href="/u/1">حکومت کا نئے بجٹ میں ٹیکس کم کرنے کا '
        "اعلان</a></p>",
        ["یہ بھی پڑھیں", "ٹیکس کم کرنے"],
    ),
    "tweet_embed": (
        '<blockquote class="twitter-tweet"><p>نص تغريدة الوزير عن خطة الحكومة الجديدة للصناعة</p>'
        "— الوزير (@minister) 1 فبراير 2024</blockquote>",
        ["نص تغريدة الوزير", "@minister"],
    ),
    "copyright_credit_line": ("<p>© رويترز 2024</p>", ["© رويترز"]),
    "byline_line": ("<p>By Jane Doe and John Roe</p>", ["Jane Doe"]),
    "relative_date_in_words": ("<p>آخر تحديث: منذ ساعتين</p>", ["منذ ساعتين"]),
    "follow_prompt": (
        "<p>تابعونا على قناة الموقع في تلغرام لمعرفة آخر الأخبار لحظة بلحظة</p>",
        ["تابعونا على"],
    ),
    "follow_us_line": ("<p>تابعوا RT على تلغرام</p>", ["تابعوا RT"]),
    "sponsored_links_box": (
        '<div id="taboola-below-article"><span>روابط إعلانية</span><a href="/x">'
        "عرض خاص لفترة محدودة على الهواتف الذكية</a></div>",
        ["روابط إعلانية", "عرض خاص لفترة"],
    ),
    "french_lire_aussi": (
        '<p><strong>Lire aussi :</strong> <a href="/f/1">Le gouvernement présente son '
        "budget</a></p>",
        ["Lire aussi", "gouvernement présente"],
    ),
}


@pytest.mark.parametrize("name", sorted(NOISE))
def test_noise_inside_body_is_removed(name: str) -> None:
    snippet, must_go = NOISE[name]
    article = clean(build(after_p2=snippet))
    for text in must_go:
        assert text not in article.text
    assert_body_intact(article)


AROUND = {
    "most_read_box": (
        "after",
        '<section class="box"><h3>الأكثر قراءة</h3><ol><li><a href="/m/1">سعر الذهب اليوم في '
        "مصر</a></li>"
        '<li><a href="/m/2">موعد مباراة الأهلي القادمة</a></li></ol></section>',
        ["الأكثر قراءة", "سعر الذهب اليوم"],
    ),
    "comments": (
        "after",
        '<section class="comments"><h3>التعليقات (2)</h3><ol><li><p>كل عام نفس القصة قبل رمضان '
        "والتجار يعرفون ذلك.</p></li>"
        "<li><p>الحل في فتح أسواق جوارية مباشرة من الفلاح إلى المستهلك.</p></li></ol></section>",
        ["التعليقات", "كل عام نفس القصة", "أسواق جوارية"],
    ),
    "aggregator_disclaimer": (
        "after",
        '<p class="note">هذا الموقع محرك بحث إخباري، وقد قام بنقل هذا الخبر من موقع آخر ولا '
        "يتحمل أي مسؤولية عن محتواه.</p>",
        ["محرك بحث إخباري", "لا يتحمل أي مسؤولية"],
    ),
    "byline_and_date": (
        "header",
        '<div class="meta">كتب- أحمد علي:</div><div class="time">الخميس 14 مارس 2024 - 11:20 '
        "م</div>",
        ["أحمد علي", "14 مارس 2024"],
    ),
    "relative_date": ("header", '<div class="ago"><span>منذ 3 ساعات</span></div>', ["منذ 3 ساعات"]),
    "breadcrumb_share_follow": (
        "before",
        '<div class="follow">تابعونا على <a href="#">واتساب</a> <a href="#">غوغل نيوز</a></div>',
        ["تابعونا على", "غوغل نيوز"],
    ),
}


@pytest.mark.parametrize("name", sorted(AROUND))
def test_noise_around_body_is_removed(name: str) -> None:
    where, snippet, must_go = AROUND[name]
    article = clean(build(**{where: snippet}))
    for text in must_go:
        assert text not in article.text
    assert_body_intact(article)


def test_tag_block_becomes_tags_and_leaves_the_text() -> None:
    block = (
        '<div class="post-tags"><strong>كلمات دلالية:</strong> <a href="/tag/1">الصناعة</a> '
        '<a href="/tag/2">الاستثمار</a> <a href="/tag/3">فرص العمل</a></div>'
    )
    article = clean(build(after=block))
    assert article.tags == ["الصناعة", "الاستثمار", "فرص العمل"]
    assert "كلمات دلالية" not in article.text
    assert_body_intact(article)


def test_tag_block_mixing_trending_links_keeps_rel_tag_items() -> None:
    block = (
        '<div class="x"><b>الوسوم</b> <span><a href="#">كأس الأمم الأفريقية</a> <a '
        'href="#">الحرب في أوكرانيا</a></span> '
        '<a rel="tag" href="/t/a">الصناعة</a> <a rel="tag" href="/t/b">التمويل</a></div>'
    )
    assert clean(build(after=block)).tags == ["الصناعة", "التمويل"]


def test_tag_list_without_links_is_split_on_commas() -> None:
    block = '<p class="kw">كلمات مفتاحية: الصناعة، الاستثمار، فرص العمل</p>'
    article = clean(build(after=block))
    assert article.tags == ["الصناعة", "الاستثمار", "فرص العمل"]
    assert_body_intact(article)


def test_topic_links_block_becomes_tags() -> None:
    block = (
        '<section class="rel"><h2>Related topics</h2><ul><li><a '
        'href="/news/topics/c1">Industry</a></li>'
        '<li><a href="/news/topics/c2">Jobs</a></li></ul></section>'
    )
    article = clean(build(after=block))
    assert article.tags == ["Industry", "Jobs"]
    assert "Industry" not in article.text


SECOND = [
    "توقعت الهيئة العامة للأرصاد الجوية أن يسود غدا طقس شديد البرودة في الصباح الباكر، مائل للدفء "
    "نهارا على الوجه البحري وشمال الصعيد، بارد ليلا على أغلب الأنحاء.",
    "وأشارت الهيئة إلى فرص لسقوط أمطار خفيفة إلى متوسطة على السواحل الشمالية الغربية قد تمتد إلى "
    "مناطق من الوجه البحري، مع نشاط للرياح على فترات متقطعة.",
    "وحذرت الأرصاد من شبورة مائية كثيفة على الطرق الزراعية والسريعة المؤدية من وإلى القاهرة.",
]
SECOND_HTML = "".join(f"<p>{t}</p>" for t in SECOND)
SECOND_TITLE = "الأرصاد: انخفاض ملحوظ في درجات الحرارة غدا والعظمى بالقاهرة 17 درجة"


def page_with_second(second: str, header: str = "") -> bytes:
    return f"""<html><head><meta charset="utf-8"><title>{TITLE}</title></head><body>
<div class="wrap"><div class="story"><h1>{TITLE}</h1>{header}
<div class="story-body">{"".join(f"<p>{t}</p>" for t in BODY)}</div></div>
{second}
</div></body></html>""".encode()


APPENDED = {
    "second_article_element": (
        f'<article class="story"><h2>{SECOND_TITLE}</h2><div '
        f'class="body">{SECOND_HTML}</div></article>',
        "",
    ),
    "infinite_scroll_container": (
        f'<div class="newsStory '
        f'infinite-item"><h2>{SECOND_TITLE}</h2><div>{SECOND_HTML}</div></div>',
        "",
    ),
    "read_also_label_then_article": (
        f'<section><div class="lbl">إقرأ أيضاً:</div><article class="next-post"><h2><a '
        f'href="/n">{SECOND_TITLE}</a></h2>'
        f"{SECOND_HTML}</article></section>",
        "",
    ),
    "repeated_byline_block": (
        f'<div class="more"><h2>{SECOND_TITLE}</h2><div class="writeBy">كتب أحمد جودة</div>'
        f'<span class="storyDate">الثلاثاء، 30 يناير 2024 11:20 '
        f"ص</span><div>{SECOND_HTML}</div></div>",
        '<div class="writeBy">كتب هشام عبد الجليل</div><span class="storyDate">الثلاثاء، 30 '
        "يناير 2024 10:45 ص</span>",
    ),
    "same_container_as_the_first": (
        f'<div class="story"><h2>{SECOND_TITLE}</h2><div>{SECOND_HTML}</div></div>',
        "",
    ),
    "second_h1": (f'<div class="x"><h1>{SECOND_TITLE}</h1>{SECOND_HTML}</div>', ""),
    "next_article_label": (
        f'<div class="nx">الخبر التالي</div><div><h3>{SECOND_TITLE}</h3>{SECOND_HTML}</div>',
        "",
    ),
}


@pytest.mark.parametrize("name", sorted(APPENDED))
def test_appended_article_is_cut(name: str) -> None:
    second, header = APPENDED[name]
    article = clean(page_with_second(second, header))
    assert SECOND_TITLE not in article.text
    assert not any(t[:40] in article.text for t in SECOND)
    assert_body_intact(article)


def test_subheadings_inside_the_body_are_kept() -> None:
    body = "".join(
        f"<h2>عنوان فرعي رقم {i} عن تفاصيل الخطة الجديدة</h2><p>{text}</p>"
        for i, text in enumerate(BODY)
    )
    html = f"""<html><head><meta charset="utf-8"><title>{TITLE}</title></head><body><article>
<h1>{TITLE}</h1><div class="article-body">{body}</div></article></body></html>""".encode()
    article = clean(html)
    assert [line for line in article.text.split("\n") if not line.startswith("عنوان فرعي")] == BODY
    assert article.text.count("عنوان فرعي رقم") == 5


def test_h1_subheadings_inside_the_body_do_not_cut_it() -> None:
    body = "".join(f"<p>{t}</p><h1>عنوان فرعي {i} داخل النص</h1>" for i, t in enumerate(BODY))
    html = f"""<html><head><meta charset="utf-8"><title>{TITLE}</title></head><body><div>
<h1>{TITLE}</h1><div class="content">{body}</div></div></body></html>""".encode()
    article = clean(html)
    assert [line for line in article.text.split("\n") if "عنوان فرعي" not in line] == BODY


def test_body_of_line_breaks_next_to_a_lead_paragraph_is_kept() -> None:
    lead = f"<p>{BODY[0]}</p><p>{BODY[1]}</p>"
    lines = "<br>".join(BODY[2:])
    html = f"""<html><head><meta charset="utf-8"><title>{TITLE}</title></head><body>
<div class="head"><h1>{TITLE}</h1>{lead}</div>
<div class="text">{lines}</div></body></html>""".encode()
    article = clean(html)
    for text in BODY[2:]:
        assert text in article.text


def test_short_related_teaser_article_does_not_cut_the_body() -> None:
    teaser = (
        f'<article class="teaser"><h3><a href="/t">{SECOND_TITLE}</a></h3>'
        "<p>مقتطف قصير.</p></article>"
    )
    article = clean(build(after_p2=teaser))
    assert_body_intact(article)


def test_sidebar_outside_the_article_container_is_dropped() -> None:
    sidebar = (
        '<aside class="side"><div class="box"><p>نص جانبي طويل عن موضوع آخر تماما '
        "لا علاقة له بالخبر ولا ينبغي أن يظهر في النص المستخرج من الصفحة.</p></div></aside>"
    )
    html = build().replace(b"</main>", f'</main><div class="col">{sidebar}</div>'.encode())
    article = clean(html)
    assert "نص جانبي" not in article.text
    assert_body_intact(article)


def test_site_hints_noise_css_and_body_css() -> None:
    noisy = build(
        after_p2='<div class="sponsor-box"><p>محتوى من الراعي الرسمي للموقع '
        "يظهر داخل الخبر دائما هنا</p></div>"
    )
    assert "الراعي الرسمي" in clean(noisy).text
    cleaned = clean(noisy, hints=SiteHints(noise_css=("div.sponsor-box",)))
    assert "الراعي الرسمي" not in cleaned.text
    assert_body_intact(cleaned)
    framed = build(
        after='<div class="extra"><p>نص إضافي طويل خارج جسم الخبر '
        "لا ينبغي أن يظهر في النص المستخرج أبدا.</p></div>"
    )
    restricted = clean(framed, hints=SiteHints(body_css="div.story-body"))
    assert_body_intact(restricted)


def test_zero_width_non_joiner_is_kept() -> None:
    persian = [
        "خاموشی‌های برنامه‌ریزی‌شده برق در تهران و چند کلان‌شهر دیگر ایران در هفته‌های اخیر "
        "گسترش یافته است.",
        "شرکت توزیع نیروی برق تهران بزرگ جدول خاموشی‌های روزانه را منتشر کرده که بر اساس آن برق "
        "برخی مناطق قطع می‌شود.",
        "کارشناسان انرژی می‌گویند ناترازی گاز و برق در ایران حاصل سال‌ها سرمایه‌گذاری ناکافی در "
        "نیروگاه‌ها است.",
    ]
    title = "خاموشی‌ها در تهران"
    paragraphs = "".join(f"<p>{p}</p>" for p in persian)
    html = (
        f'<html lang="fa"><head><meta charset="utf-8"><title>{title}</title></head><body>'
        f"<article><h1>{title}</h1><div>{paragraphs}</div></article></body></html>"
    )
    article = clean(html.encode())
    assert article.text.split("\n") == persian
    assert article.language == "fa"
