"""Tests for framing.language: scripts, function words, short and mixed text, the article rule."""

from __future__ import annotations

import pytest

from framing.article import Article
from framing.language import (
    TRUST_CHARS,
    Identified,
    article_language,
    identify,
    is_english,
)

# Sentences written for these tests (one made-up news sentence per language).
SENTENCES = {
    "en": "The minister said on Tuesday that the talks would resume after the holiday, "
          "but officials were not sure.",
    "de": "Der Minister sagte am Dienstag, dass die Gespräche nach den Feiertagen wieder "
          "aufgenommen werden sollen.",
    "fr": "Le ministre a déclaré mardi que les négociations reprendraient après les vacances, "
          "mais rien n'est sûr.",
    "es": "El ministro dijo el martes que las conversaciones se reanudarán después de las "
          "fiestas, pero no es seguro.",
    "it": "Il ministro ha detto martedì che i colloqui riprenderanno dopo le vacanze, ma non è "
          "ancora sicuro.",
    "pt": "O ministro disse na terça-feira que as negociações serão retomadas depois das férias, "
          "mas não é certo.",
    "nl": "De minister zei dinsdag dat de gesprekken na de feestdagen worden hervat, maar dat is "
          "nog niet zeker.",
    "sv": "Ministern sa på tisdagen att samtalen ska återupptas efter helgerna, men det är inte "
          "säkert.",
    "pl": "Minister powiedział we wtorek, że rozmowy zostaną wznowione po świętach, ale nie jest "
          "to pewne.",
    "cs": "Ministr v úterý řekl, že jednání budou obnovena po svátcích, ale není to jisté.",
    "sk": "Minister v utorok povedal, že rokovania budú obnovené po sviatkoch, ale nie je to isté.",
    "hu": "A miniszter kedden azt mondta, hogy a tárgyalások az ünnepek után folytatódnak, de ez "
          "nem biztos.",
    "ro": "Ministrul a declarat marți că negocierile vor fi reluate după sărbători, dar acest "
          "lucru nu este sigur.",
    "tr": "Bakan salı günü yaptığı açıklamada görüşmelerin tatilden sonra yeniden başlayacağını "
          "söyledi, ama bu kesin değil.",
    "id": "Menteri mengatakan pada hari Selasa bahwa pembicaraan akan dilanjutkan setelah "
          "liburan, tetapi itu belum pasti.",
    "vi": "Bộ trưởng cho biết vào thứ Ba rằng các cuộc đàm phán sẽ được nối lại sau kỳ nghỉ, "
          "nhưng điều đó chưa chắc chắn.",
    "fi": "Ministeri sanoi tiistaina, että neuvottelut jatkuvat lomien jälkeen, mutta se ei ole "
          "vielä varmaa.",
    "ru": "Министр заявил во вторник, что переговоры возобновятся после праздников, но это пока "
          "не точно.",
    "uk": "Міністр заявив у вівторок, що переговори відновляться після свят, але це ще не точно.",
    "bg": "Министърът заяви във вторник, че преговорите ще бъдат възобновени след празниците, "
          "но това не е сигурно.",
    "el": "Ο υπουργός δήλωσε την Τρίτη ότι οι συνομιλίες θα συνεχιστούν μετά τις γιορτές.",
    "zh": "部长周二表示，谈判将在假期后恢复，但目前还不确定。",
    "ja": "大臣は火曜日、交渉は休暇の後に再開されると述べたが、まだ確かではない。",
    "ko": "장관은 화요일에 협상이 휴가 후에 재개될 것이라고 말했지만 아직 확실하지 않다.",
    "ar": "قال الوزير يوم الثلاثاء إن المحادثات ستستأنف بعد العطلة، لكن ذلك ليس مؤكدا بعد.",
    "fa": "وزیر روز سه شنبه گفت که مذاکرات پس از تعطیلات از سر گرفته می شود، اما این هنوز قطعی "
          "نیست.",
    "he": "השר אמר ביום שלישי כי השיחות יתחדשו לאחר החגים, אך הדבר עדיין אינו ודאי.",
    "hi": "मंत्री ने मंगलवार को कहा कि छुट्टियों के बाद बातचीत फिर से शुरू होगी, लेकिन यह अभी "
          "तय नहीं है।",
    "th": "รัฐมนตรีกล่าวเมื่อวันอังคารว่าการเจรจาจะเริ่มขึ้นอีกครั้งหลังวันหยุด",
    "hr": "Ministar je u utorak rekao da će se pregovori nastaviti nakon praznika, ali to još "
          "nije sigurno.",
}


@pytest.mark.parametrize("code", sorted(SENTENCES))
def test_one_sentence_per_language(code):
    found = identify(SENTENCES[code])
    assert isinstance(found, Identified)
    assert found.code == code, found
    assert 0.0 < found.score <= 1.0


def test_scripts_decide_by_themselves():
    assert identify(SENTENCES["el"]).method == "script"
    assert identify(SENTENCES["ko"]).method == "script"
    assert identify(SENTENCES["en"]).method == "function-words"


def test_longer_text_is_more_confident():
    short = identify(SENTENCES["de"])
    long = identify(" ".join([SENTENCES["de"]] * 5))
    assert long.code == "de" and long.score > short.score and long.score > 0.9


@pytest.mark.parametrize("text", ["", None, "   \n\t", "12345 67.8 % 2022-05-31", "<p>&nbsp;</p>",
                                  "https://example.org/a/b?c=1 someone@example.org"])
def test_no_letters_is_undetermined(text):
    assert identify(text) == Identified("und", 0.0, "empty")


def test_unknown_latin_words_are_undetermined():
    assert identify("Xqzt brrk vlomp!").code == "und"


def test_markup_residue_and_numbers_are_ignored():
    text = ("<div class=\"lead\">&nbsp;</div> 2022-05-31 12:30 " + SENTENCES["fr"]
            + " <a href=\"https://example.org/x\">www.example.org/y</a> 0123 456 789")
    assert identify(text).code == "fr"


def test_english_quoting_russian_stays_english():
    text = ("The Kremlin said the phrase «Москва слезам не верит» was apt, and the minister "
            "agreed with the reporters who had asked him about it.")
    assert identify(text).code == "en"


def test_russian_with_latin_names_stays_russian():
    text = "Путин сказал, что Moscow и Washington должны встретиться в Женеве, но это не решено."
    assert identify(text).code == "ru"


def test_transliteration_beside_han_is_chinese():
    text = "我还有话想对你说 舍不得说 来不及说\nWo hai you hua xiang dui ni shuo\nShe bu de shuo"
    assert identify(text).code == "zh"


def test_only_the_head_is_read():
    text = SENTENCES["en"] * 40 + SENTENCES["de"] * 200
    assert identify(text).code == "en"


def test_deterministic():
    assert len({identify(SENTENCES["sv"] + " " + SENTENCES["nl"]) for _ in range(5)}) == 1


def article(text, language=None):
    return Article(id="x", text=text, language=language)


LONG_DE = " ".join([SENTENCES["de"]] * 4)
assert len(LONG_DE) >= TRUST_CHARS


def test_long_confident_text_overrules_declared():
    # A template saying lang="en" on a German page.
    assert article_language(article(LONG_DE, "en")) == ("de", "identified")
    assert not is_english(article(LONG_DE, "en"))


def test_short_text_keeps_declared():
    assert article_language(article("Kurz und gut.", "de")) == ("de", "declared")
    assert article_language(article(SENTENCES["en"], "de")) == ("de", "declared")


def test_declared_is_normalised():
    assert article_language(article("Hello!", "en-GB")) == ("en", "declared")


def test_no_declared_language_uses_identified():
    assert article_language(article(SENTENCES["ru"])) == ("ru", "identified")
    assert article_language(article("")) == ("und", "identified")


def test_is_english():
    assert is_english(SENTENCES["en"])
    assert not is_english(SENTENCES["fr"])
    assert is_english(article(" ".join([SENTENCES["en"]] * 3), "fr"))
    assert is_english("")
    assert not is_english("", undetermined=False)
    assert not is_english(article("", "de"))
