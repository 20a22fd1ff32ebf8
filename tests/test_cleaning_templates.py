"""A whole page of another template family (a WordPress news theme) through the chain.

Not one of the corpus families: a sanity check that the general rules carry over. Sharing
buttons inside the body, a captioned image, a bold "اقرأ أيضا.." link line, an embedded
tweet, a follow prompt, Jetpack related posts, a tag line in the entry footer, post
navigation, comments and a sidebar must all stay out of the text.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from pipelines.cleaning.chain import clean_page
from pipelines.cleaning.model import PageInput

PAGE = Path(__file__).resolve().parent / "data" / "corpus" / "templates" / "wordpress_news.html"

BODY = [
    "ارتفعت أسعار الذهب في الأسواق المحلية خلال تعاملات اليوم الخميس، متأثرة بتراجع سعر الدولار "
    "في الأسواق العالمية وزيادة الطلب على المعدن الأصفر كملاذ آمن.",
    "وسجل سعر غرام الذهب عيار 21 نحو 3150 جنيها للبيع، بزيادة قدرها 40 جنيها مقارنة بختام تعاملات "
    "أمس، بحسب بيانات شعبة الذهب في اتحاد الغرف التجارية.",
    "وقال رئيس الشعبة إن حركة البيع والشراء شهدت نشاطا ملحوظا خلال الأسبوع الجاري، مع إقبال "
    "المواطنين على شراء السبائك والعملات الذهبية كأداة للادخار.",
    "وتوقع خبراء أن تواصل الأسعار ارتفاعها خلال الفترة المقبلة في ظل التوترات الجيوسياسية وتوقعات "
    "خفض أسعار الفائدة الأمريكية قبل نهاية العام.",
]


def test_wordpress_news_page() -> None:
    article = clean_page(
        PageInput(PAGE.read_bytes(), "https://news.example/2024/05/02/gold", datetime.now(UTC))
    )
    assert article.is_article
    assert article.text.split("\n") == BODY
    assert article.tags == ["الذهب", "الدولار"]
    assert article.title == "ارتفاع أسعار الذهب في الأسواق المحلية مع تراجع الدولار"
    assert article.language == "ar"
