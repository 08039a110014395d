#![allow(clippy::unwrap_used, clippy::expect_used)]

use super::*;

#[test]
fn matches_the_python_reference_on_every_parity_sentence() {
    let fixture = include_str!("../model/parity.tsv");
    let mut n = 0;
    for line in fixture.lines() {
        let (expected, text) = line.split_once('\t').expect("logit<TAB>text");
        let expected: f64 = expected.parse().expect("a number");
        let got = model().logit(text);
        assert!(
            (got - expected).abs() < 1e-4,
            "{text:?}: rust {got} python {expected}"
        );
        n += 1;
    }
    assert_eq!(n, 200);
}

#[test]
fn the_model_is_compiled_in_whole() {
    let (lexicon, words) = model().size();
    assert!(lexicon > 7_000, "{lexicon} lexicon words");
    assert!(words > 1_500, "{words} learned weights");
}

#[test]
fn labels_follow_the_words_and_negation() {
    assert_eq!(
        analyze("I love this, thank you so much!").label,
        Label::Positive
    );
    assert_eq!(
        analyze("This is terrible and broke after a day").label,
        Label::Negative
    );
    assert_eq!(analyze("This is not good at all").label, Label::Negative);
    let plain = analyze("What time does the stream start on Friday?");
    assert_eq!(plain.label, Label::Neutral);
    assert_eq!(plain.score, 0.0);
}

#[test]
fn reasons_name_the_words_that_moved_the_score() {
    let a = analyze("Great video, but the audio was awful");
    let words: Vec<&str> = a.reasons.iter().map(|r| r.word.as_str()).collect();
    assert!(
        words.contains(&"great") && words.contains(&"awful"),
        "{words:?}"
    );
    let awful = a.reasons.iter().find(|r| r.word == "awful").unwrap();
    assert!(awful.weight < 0.0);
    assert!(
        a.reasons
            .windows(2)
            .all(|w| w[0].weight.abs() >= w[1].weight.abs())
    );
}

#[test]
fn scores_stay_in_range_on_odd_input() {
    for text in [
        "",
        "   ",
        "!!!???",
        "😀😀😀",
        "ÅÄÖ ßß ﷺ",
        &"good ".repeat(10_000),
        "\u{0}\u{1}\t\n",
    ] {
        let a = analyze(text);
        assert!((-1.0..=1.0).contains(&a.score), "{text:?} {a:?}");
        assert!(a.reasons.len() <= 5);
    }
}

#[test]
fn tokens_split_like_the_reference() {
    assert_eq!(
        tokens("Don’t STOP!!! me, ok?"),
        ["don't", "stop", "!!!", "me", ",", "ok", "?"]
    );
}

#[test]
fn a_plain_question_is_neutral_unless_a_word_pulls_its_way() {
    // Function words and the bias lean these negative; no word carries a sentiment.
    for q in ["How long do you proof it?", "How much is the big one?"] {
        let a = analyze(q);
        assert!(a.score < 0.0, "{q}: the lean is still in the score: {a:?}");
        assert_eq!(a.label, Label::Neutral, "{q}: {a:?}");
    }
    // A word that carries the sentiment keeps the label.
    assert_eq!(analyze("Is it too long to wait?").label, Label::Negative);
}
