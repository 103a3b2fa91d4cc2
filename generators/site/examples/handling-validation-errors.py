# needs: validation_error
import errcat

body = {
    "error": {
        "code": "validation_error",
        "message": "The request data failed validation.",
        "details": [
            {"field": "amount", "code": "must_be_positive", "message": "Amount must be greater than 0."}
        ],
        "request_id": "req_01HV3KB2F6R8YV",
    }
}
try:
    raise errcat.ApiError.from_response(400, body)
except errcat.ValidationError as error:  # every code of the validation category
    problems = {detail["field"]: detail["message"] for detail in error.details}

assert problems == {"amount": "Amount must be greater than 0."}
