"""Article verdict: section/tag index pages, video-only, galleries, error pages, short text."""

from __future__ import annotations

from datetime import UTC, datetime

from pipelines.cleaning.chain import clean_page, judge
from pipelines.cleaning.model import CleanArticle, PageInput

NOW = datetime(2024, 2, 1, tzinfo=UTC)
PARAGRAPH = (
    "أعلنت الحكومة اليوم عن خطة جديدة لدعم الصناعات الصغيرة والمتوسطة في عدد من المحافظات، "
    "تتضمن حزمة من الحوافز الضريبية والتمويلية للشركات الناشئة خلال العامين المقبلين."
)


def clean(html: str, url: str = "https://news.example/a/1") -> CleanArticle:
    return clean_page(PageInput(html.encode(), url, NOW))


def teaser(i: int) -> str:
    return (
        f'<div class="item"><h3><a href="/story/{i}">عنوان الخبر رقم {i} عن الاقتصاد المحلي'
        "</a></h3>"
        f"<p>مقتطف قصير من الخبر رقم {i} يلخص أهم ما جاء فيه من أرقام وتصريحات.</p></div>"
    )


def test_section_index_page() -> None:
    html = (
        "<html><head><title>اقتصاد</title></head><body><h1>اقتصاد محلي</h1>"
        + "".join(teaser(i) for i in range(8))
        + '<div class="pagination"><a href="?page=2">التالي</a></div></body></html>'
    )
    article = clean(html, "https://news.example/section/economy")
    assert (article.is_article, article.reason, article.text) == (False, "index_page", "")


def test_tag_page() -> None:
    html = "<html><body><h1>الذهب</h1>" + "".join(teaser(i) for i in range(3)) + "</body></html>"
    article = clean(html, "https://news.example/tag/gold")
    assert (article.is_article, article.reason) == (False, "tag_page")


def test_listing_of_list_items_is_an_index_page() -> None:
    items = "".join(
        f'<li><a href="/s/{i}">عنوان الخبر رقم {i} عن الاقتصاد المحلي اليوم</a> '
        f"<span>منذ {i} ساعات</span></li>"
        for i in range(12)
    )
    html = f'<html><body><h1>آخر الأخبار</h1><ul class="list">{items}</ul></body></html>'
    assert clean(html, "https://news.example/latest").reason == "index_page"


def test_list_article_is_not_an_index_page() -> None:
    items = "".join(
        f'<li>{PARAGRAPH} <a href="/s/{i}">المصدر رقم {i} هنا</a></li>' for i in range(6)
    )
    html = f"<html><body><article><h1>خمسة أشياء عليك معرفتها اليوم</h1><ul>{items}</ul>"
    html += "</article></body></html>"
    article = clean(html)
    assert article.is_article, article.reason


def test_video_only_page() -> None:
    html = (
        '<html><head><meta property="og:type" content="video.other"><title>فيديو</title>'
        "</head><body><h1>لحظة افتتاح المحطة الجديدة</h1>"
        '<iframe src="https://www.youtube.com/embed/abc"></iframe><p>شاهد الفيديو.</p>'
        "</body></html>"
    )
    assert clean(html).reason == "video_only"


def test_gallery_page() -> None:
    images = "".join(f'<img src="/g/{i}.jpg" alt="">' for i in range(10))
    html = f"<html><body><h1>صور من المعرض الدولي للكتاب</h1>{images}<p>صور.</p></body></html>"
    assert clean(html).reason == "gallery"


def test_article_with_a_video_and_photos_stays_an_article() -> None:
    images = "".join(f'<img src="/g/{i}.jpg" alt="">' for i in range(10))
    body = "".join(f"<p>{PARAGRAPH} ({i})</p>" for i in range(5))
    html = (
        f'<html><body><article><h1>خطة الحكومة</h1>{images}<iframe src="https://youtu.be/x">'
        f"</iframe>{body}</article></body></html>"
    )
    article = clean(html)
    assert article.is_article, article.reason


def test_error_page_served_with_200() -> None:
    html = (
        "<html><head><title>الصفحة غير موجودة</title></head><body><h1>الصفحة غير موجودة</h1>"
        "<p>عذرا، الصفحة التي تبحث عنها غير موجودة أو تم نقلها. يمكنك العودة إلى الصفحة الرئيسية "
        "أو استخدام البحث للعثور على ما تريد من أخبار ومقالات وتقارير.</p></body></html>"
    )
    article = clean(html)
    assert (article.is_article, article.reason) == (False, "error_page")


def test_binary_garbage_is_not_an_article() -> None:
    garbage = bytes(range(256)) * 40
    article = clean_page(PageInput(garbage, "https://news.example/x", NOW))
    assert article.is_article is False
    assert article.reason in {"garbled_text", "empty_text", "too_short"}
    thai = "รัฐบาลประกาศมาตรการใหม่เพื่อช่วยเหลือผู้ประกอบการขนาดเล็กในช่วงเศรษฐกิจชะลอตัว " * 6
    assert judge(CleanArticle(url="u", text=thai)) == (True, None)


def test_judge_on_its_own() -> None:
    assert judge(CleanArticle(url="u", text="")) == (False, "empty_text")
    assert judge(CleanArticle(url="u", text="قصير جدا.")) == (False, "too_short")
    assert judge(CleanArticle(url="u", text=PARAGRAPH * 3, title="خطة")) == (True, None)
    kept = CleanArticle(url="u", text=PARAGRAPH * 3, is_article=False, reason="index_page")
    assert judge(kept) == (False, "index_page")
    japanese = "政府は新しい経済対策を発表した。" * 8  # short in characters, long in content
    assert judge(CleanArticle(url="u", text=japanese)) == (True, None)
