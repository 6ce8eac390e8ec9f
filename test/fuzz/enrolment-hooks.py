"""Schemathesis hooks for the V2V API fuzz test (test/fuzz/schemathesis.ts loads them).

Generated ids name no product or site, so without help every enrolment is refused and the links
from POST /v1/batches to the batch's operations are never followed. When a generated enrolment
body is an object, its product and sites are replaced by the installation's reference ones (from
V2V_FUZZ_ENROLMENT, a JSON object), so the fuzzer enrols real batches and fuzzes what follows.
The generated patientRef, chain and every other member stay as generated.
"""

import json
import os

import schemathesis

ENROLMENT = json.loads(os.environ.get("V2V_FUZZ_ENROLMENT", "{}"))


@schemathesis.hook("map_body").apply_to(method="POST", path="/v1/batches")
def enrol_reference_sites(context, body):
    if isinstance(body, dict) and ENROLMENT:
        return {**body, **ENROLMENT}
    return body
