//! Outpost's offline sentiment model.
//!
//! Every inbox item gets a label and a score at ingest, on the user's machine, with nothing downloaded at
//! run time. The model is a logistic regression (trained by `model/train.py`, data files compiled in) over
//! - two lexicon scores: VADER's valences and pattern's adjective polarities, summed with VADER's negation
//!   rule (a negator flips the next three words by −0.74) and its "but" rule (words after "but" weigh 1.5×),
//!   each squashed with `tanh`;
//! - a "no lexicon word" flag and a bias;
//! - negation-marked unigrams (`N:good` is "good" within a negator's reach) learned from labelled sentences.
//!
//! [`Model::analyze`] also says why: the words that moved the score most, each with its contribution.
//! The benchmark (`tests/sentiment/bench.py`) measures it against the reference VADER on a held-out set.

use std::collections::HashMap;
use std::sync::OnceLock;

const LEXICON: &str = include_str!("../model/lexicon.tsv");
const WEIGHTS: &str = include_str!("../model/weights.tsv");

/// Words that negate the next [`SCOPE`] words (VADER's list, with apostrophe-less spellings).
const NEGATORS: &[&str] = &[
    "not",
    "no",
    "never",
    "none",
    "nobody",
    "nothing",
    "neither",
    "nor",
    "nowhere",
    "cannot",
    "can't",
    "don't",
    "doesn't",
    "didn't",
    "isn't",
    "wasn't",
    "aren't",
    "weren't",
    "won't",
    "wouldn't",
    "shouldn't",
    "couldn't",
    "haven't",
    "hasn't",
    "hadn't",
    "ain't",
    "dont",
    "doesnt",
    "didnt",
    "isnt",
    "wasnt",
    "cant",
    "wont",
    "wouldnt",
    "shouldnt",
    "couldnt",
    "aint",
    "without",
];
const SCOPE: u8 = 3;
const NEG_FLIP: f64 = -0.74;
const BUT_BOOST: f64 = 1.5;
/// Below this absolute score an item is neutral.
pub const NEUTRAL_BAND: f64 = 0.1;
/// A learned word at least this strong counts as evidence even when no lexicon word is present.
const STRONG_WORD: f64 = 0.5;
/// A positive or negative label needs at least one word contributing this much its way.
const SUPPORT: f64 = 0.5;

/// The three labels of DESIGN §3's `outpost sentiment`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Label {
    Positive,
    Neutral,
    Negative,
}

impl Label {
    pub fn as_str(self) -> &'static str {
        match self {
            Label::Positive => "positive",
            Label::Neutral => "neutral",
            Label::Negative => "negative",
        }
    }
}

/// One word's share of the score (positive pushes toward "positive").
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Reason {
    pub word: String,
    pub weight: f64,
}

/// The model's answer for one text.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Analysis {
    pub label: Label,
    /// −1.0 (negative) … 1.0 (positive); 0.0 when the text carries no sentiment evidence.
    pub score: f64,
    /// The words that moved the score most, strongest first (at most five).
    pub reasons: Vec<Reason>,
}

/// The compiled-in model.
#[derive(Debug)]
pub struct Model {
    /// token → (VADER valence, pattern polarity)
    lexicon: HashMap<&'static str, (f64, f64)>,
    /// unigram feature (`word` or `N:word`) → weight
    words: HashMap<&'static str, f64>,
    w_lex: f64,
    w_pattern: f64,
    w_nohit: f64,
    bias: f64,
}

/// The model, parsed once on first use (about 10,000 short lines).
pub fn model() -> &'static Model {
    static MODEL: OnceLock<Model> = OnceLock::new();
    MODEL.get_or_init(|| Model::parse(LEXICON, WEIGHTS))
}

/// Shorthand for `model().analyze(text)`.
pub fn analyze(text: &str) -> Analysis {
    model().analyze(text)
}

fn data_lines(text: &'static str) -> impl Iterator<Item = Vec<&'static str>> {
    text.lines()
        .filter(|l| !l.starts_with('#') && !l.is_empty())
        .map(|l| l.split('\t').collect())
}

impl Model {
    fn parse(lexicon: &'static str, weights: &'static str) -> Model {
        let num = |s: &str| s.parse::<f64>().unwrap_or(0.0);
        let lexicon = data_lines(lexicon)
            .filter(|f| f.len() == 3)
            .map(|f| (f[0], (num(f[1]), num(f[2]))))
            .collect();
        let mut words: HashMap<&'static str, f64> = data_lines(weights)
            .filter(|f| f.len() == 2)
            .map(|f| (f[0], num(f[1])))
            .collect();
        let mut take = |k: &str| words.remove(k).unwrap_or(0.0);
        let (w_lex, w_pattern, w_nohit, bias) = (
            take("_lex"),
            take("_pattern"),
            take("_nohit"),
            take("_bias"),
        );
        Model {
            lexicon,
            words,
            w_lex,
            w_pattern,
            w_nohit,
            bias,
        }
    }

    /// Number of lexicon words and learned word weights (for `outpost doctor`-style reports and tests).
    pub fn size(&self) -> (usize, usize) {
        (self.lexicon.len(), self.words.len())
    }

    /// The raw logit (log-odds of "positive"), as the Python reference computes it.
    pub fn logit(&self, text: &str) -> f64 {
        self.evaluate(text).logit
    }

    pub fn analyze(&self, text: &str) -> Analysis {
        let e = self.evaluate(text);
        let pulls = |sign: f64| e.contributions.iter().any(|(_, c)| c * sign >= SUPPORT);
        let (pos_support, neg_support) = (pulls(1.0), pulls(-1.0));
        let mut reasons: Vec<Reason> = e
            .contributions
            .into_iter()
            .filter(|(_, w)| w.abs() >= 0.05)
            .map(|(word, weight)| Reason {
                word,
                weight: round3(weight),
            })
            .collect();
        reasons.sort_by(|a, b| b.weight.abs().total_cmp(&a.weight.abs()));
        reasons.truncate(5);
        if !e.evidence {
            return Analysis {
                label: Label::Neutral,
                score: 0.0,
                reasons,
            };
        }
        let score = (e.logit / 2.0).tanh();
        // A label needs a word that pulls its way: small weights of function words ("do", "you",
        // "how") and the bias alone make a plain question lean, not a sentiment.
        let label = if score >= NEUTRAL_BAND && pos_support {
            Label::Positive
        } else if score <= -NEUTRAL_BAND && neg_support {
            Label::Negative
        } else {
            Label::Neutral
        };
        Analysis {
            label,
            score: round3(score),
            reasons,
        }
    }

    fn evaluate(&self, text: &str) -> Evaluation {
        let (mut lex, mut pat) = (0.0_f64, 0.0_f64);
        let mut hit = false;
        let mut strong = false;
        let mut neg = 0u8;
        let mut after_but = false;
        let mut seen: Vec<String> = Vec::new();
        // Per word: (learned weight, VADER part, pattern part) before the lexicon sums are squashed.
        let mut parts: Vec<(String, f64, f64, f64)> = Vec::new();
        for tok in tokens(text) {
            if matches!(tok.as_str(), "." | "," | ";" | ":") || tok.starts_with(['!', '?']) {
                neg = 0;
                continue;
            }
            if tok == "but" {
                after_but = true;
            }
            let feature = if neg > 0 {
                format!("N:{tok}")
            } else {
                tok.clone()
            };
            let m = if neg > 0 { NEG_FLIP } else { 1.0 } * if after_but { BUT_BOOST } else { 1.0 };
            let learned = if seen.contains(&feature) {
                0.0
            } else {
                let w = self.words.get(feature.as_str()).copied().unwrap_or(0.0);
                strong |= w.abs() >= STRONG_WORD;
                seen.push(feature);
                w
            };
            let (v, p) = self
                .lexicon
                .get(tok.as_str())
                .copied()
                .unwrap_or((0.0, 0.0));
            if v != 0.0 {
                lex += v * m;
                hit = true;
            }
            if p != 0.0 {
                pat += p * m;
                hit = true;
            }
            if learned != 0.0 || v != 0.0 || p != 0.0 {
                parts.push((tok.clone(), learned, v * m, p * m));
            }
            if NEGATORS.contains(&tok.as_str()) {
                neg = SCOPE;
            } else {
                neg = neg.saturating_sub(1);
            }
        }
        let (lex_t, pat_t) = ((lex / 4.0).tanh(), pat.tanh());
        let learned: f64 = parts.iter().map(|p| p.1).sum();
        let logit = self.bias
            + self.w_lex * lex_t
            + self.w_pattern * pat_t
            + if hit { 0.0 } else { self.w_nohit }
            + learned;
        // Each word's share of the squashed lexicon terms is proportional to its part of the sum.
        let share = |part: f64, sum: f64, squashed: f64| {
            if sum == 0.0 {
                0.0
            } else {
                part / sum * squashed
            }
        };
        let mut contributions: Vec<(String, f64)> = Vec::new();
        for (word, l, v, p) in parts {
            let c = l + self.w_lex * share(v, lex, lex_t) + self.w_pattern * share(p, pat, pat_t);
            match contributions.iter_mut().find(|(w, _)| *w == word) {
                Some((_, total)) => *total += c,
                None => contributions.push((word, c)),
            }
        }
        Evaluation {
            logit,
            evidence: hit || strong,
            contributions,
        }
    }
}

struct Evaluation {
    logit: f64,
    evidence: bool,
    contributions: Vec<(String, f64)>,
}

fn round3(x: f64) -> f64 {
    (x * 1000.0).round() / 1000.0
}

fn is_word_char(c: char) -> bool {
    c.is_ascii_lowercase() || c.is_ascii_digit() || c == '\''
}

/// Lower-cased tokens: runs of `[a-z0-9']`, runs of `!`/`?`, or any other single non-space character
/// (the same rule as `model/train.py`'s `tokens`).
pub fn tokens(text: &str) -> Vec<String> {
    let lower: Vec<char> = text
        .to_lowercase()
        .replace('\u{2019}', "'")
        .chars()
        .collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < lower.len() {
        let c = lower[i];
        if c.is_whitespace() {
            i += 1;
            continue;
        }
        let run = |pred: &dyn Fn(char) -> bool, mut j: usize| {
            while j < lower.len() && pred(lower[j]) {
                j += 1;
            }
            j
        };
        let end = if is_word_char(c) {
            run(&is_word_char, i)
        } else if c == '!' || c == '?' {
            run(&|c| c == '!' || c == '?', i)
        } else {
            i + 1
        };
        out.push(lower[i..end].iter().collect());
        i = end;
    }
    out
}

#[cfg(test)]
mod tests;
