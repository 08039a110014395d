//! Sentiment throughput (plain binary, `cargo bench -p outpost-sentiment`). Prints the time of one
//! analysis (label, score and reasons) on real sentences, against a floor measured in the same run:
//! tokenizing the same sentences (the least work any word-based model must do).
#![allow(clippy::print_stdout, clippy::unwrap_used)]

use std::hint::black_box;
use std::time::Instant;

fn main() {
    let texts: Vec<&str> = include_str!("../model/parity.tsv")
        .lines()
        .filter_map(|l| l.split_once('\t').map(|(_, t)| t))
        .collect();
    let model = outpost_sentiment::model(); // parsed once, outside the timing
    let rounds = 500;
    let n = (texts.len() * rounds) as f64;

    let start = Instant::now();
    for _ in 0..rounds {
        for t in &texts {
            black_box(outpost_sentiment::tokens(black_box(t)));
        }
    }
    let floor = start.elapsed().as_secs_f64() / n;

    let start = Instant::now();
    for _ in 0..rounds {
        for t in &texts {
            black_box(model.analyze(black_box(t)));
        }
    }
    let one = start.elapsed().as_secs_f64() / n;

    let (lexicon, words) = model.size();
    println!(
        "sentiment: {} sentences x {rounds} rounds ({lexicon} lexicon words, {words} learned weights)",
        texts.len()
    );
    println!("  tokenize only (floor)   {:>8.2} µs an item", floor * 1e6);
    println!(
        "  analyze (with reasons)  {:>8.2} µs an item   {:.1}x the floor   {:.0} items/s",
        one * 1e6,
        one / floor,
        1.0 / one
    );
    println!(
        "  bar: well under 1 ms an item -> {}",
        if one < 1e-3 { "met" } else { "MISSED" }
    );
}
