"""schemathesis hooks for scripts/test-api (SCHEMATHESIS_HOOKS).

schemathesis 4.32.5 reads every string of a JSON answer that begins with
`http://` or `https://` as a URL, to learn links, and stops the whole run
with a traceback when one is not a URL Python can split (`https://[x`).
Such strings are data here, not links: a display name or a login's
`return_to` the fuzzer itself stored. Until schemathesis skips them, this
makes the one function that splits them skip them.
"""

import schemathesis.engine.observations as observations

_same_origin_path = observations._same_origin_path


def _skip_unsplittable(value, origin):
    try:
        return _same_origin_path(value, origin)
    except ValueError:
        return None


observations._same_origin_path = _skip_unsplittable
