# needs: invoice_not_found
import logging

import errcat
from errcat.logging import RedactingFilter, log_error

logger = logging.getLogger("invoicing.client")
handler = logging.StreamHandler()
handler.addFilter(RedactingFilter())  # secrets never reach the log, whatever the message says
logger.addHandler(handler)

body = {
    "error": {
        "code": "invoice_not_found",
        "message": "Invoice inv_4Rt6Yp was not found.",
        "request_id": "req_01HV3KD6K0W2BC",
        "invoice_id": "inv_4Rt6Yp",
    }
}
error = errcat.ApiError.from_response(404, body)
fields = log_error(
    logger,
    error,
    method="get",
    url="https://api.invoicing.example.com/v1/invoices/inv_4Rt6Yp?access_token=secret",
)
assert fields["code"] == "invoice_not_found" and fields["status"] == 404  # logged at warning
assert fields["path"] == "/v1/invoices/inv_4Rt6Yp"  # the query string, and its token, left out
assert fields["request_id"] == "req_01HV3KD6K0W2BC"
