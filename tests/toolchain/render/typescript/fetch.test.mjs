// The generated fetch wrapper over real HTTP on 127.0.0.1: the example invoice service (SERVICE_URL) and a
// service that fails twice before it answers (FLAKY_URL), both run by test_typescript.py. PACKAGE is the
// generated package's directory; CLOSED_URL an address where nothing listens.
import assert from "node:assert/strict";
import { join } from "node:path";
import { test } from "node:test";
import { pathToFileURL } from "node:url";

const pkg = await import(pathToFileURL(join(process.env.PACKAGE, "index.js")).href);
const SERVICE = process.env.SERVICE_URL;
const FLAKY = process.env.FLAKY_URL;

/** A retrying fetch whose sends, waits and refreshes are recorded (the waits are not slept). */
function recorded(options = {}) {
  const log = { sent: [], waits: [], retries: [], refreshes: 0 };
  const send = pkg.createRetryingFetch({
    fetch: (input, init) => {
      log.sent.push(new Headers(init?.headers).get("authorization"));
      return fetch(input, init);
    },
    sleep: async (seconds) => { log.waits.push(seconds); },
    random: () => 0.5,
    onRetry: (attempt, wait, failure) => log.retries.push([attempt, wait, failure.code ?? pkg.transportFailure(failure)]),
    ...options,
  });
  return { send, log };
}

test("500, 500, 200: two waits with the policy's backoff and jitter, then the answer", async () => {
  const { send, log } = recorded();
  const response = await send(`${FLAKY}/flaky/a`);
  assert.equal(response.status, 200);
  assert.deepEqual(await response.json(), { ok: true, attempts: 3 });
  assert.equal(log.sent.length, 3);
  assert.deepEqual(log.waits, [pkg.backoffDelay(1) * 0.5, pkg.backoffDelay(2) * 0.5]);
  assert.deepEqual(log.retries, [[1, 0.5, "internal_error"], [2, 1, "internal_error"]]);
});

test("a Retry-After longer than the backoff is waited for", async () => {
  const { send, log } = recorded();
  const response = await send(`${FLAKY}/flaky/b?retry_after=3`);
  assert.equal(response.status, 200);
  assert.deepEqual(log.waits, [3, 3]);
});

test("401 -> refresh -> 200: one refresh, the new token sent as a Bearer credential", async () => {
  const { send, log } = recorded({
    refresh: async () => {
      log.refreshes += 1;
      return "tok_acme";
    },
  });
  const response = await send(`${SERVICE}/businesses`, { headers: { Authorization: "Bearer tok_expired" } });
  assert.equal(response.status, 200);
  assert.deepEqual(await response.json(), [{ id: "biz_acme", name: "Acme Corporation" }]);
  assert.equal(log.refreshes, 1);
  assert.deepEqual(log.sent, ["Bearer tok_expired", "Bearer tok_acme"]);
  assert.deepEqual(log.waits, []);
});

test("a second 401 is final: the refresh is spent, the 401 is the answer", async () => {
  const { send, log } = recorded({ refresh: async () => "tok_still_wrong" });
  const response = await send(`${SERVICE}/businesses`, { headers: { Authorization: "Bearer tok_expired" } });
  assert.equal(response.status, 401);
  assert.equal(log.sent.length, 2);
  await assert.rejects(pkg.raiseForError(response), (error) => error instanceof pkg.InvalidToken);
});

test("404: sent once, never retried; raiseForError gives the code's class with the request id", async () => {
  const { send, log } = recorded();
  const headers = { Authorization: "Bearer tok_acme", "X-Request-ID": "req_fetch_404" };
  const response = await send(`${SERVICE}/businesses/biz_acme/invoices/inv_missing`, { headers });
  assert.equal(response.status, 404);
  assert.equal(log.sent.length, 1);
  assert.deepEqual(log.waits, []);
  const error = await pkg.errorOf(response);
  assert.ok(error instanceof pkg.InvoiceNotFound && error instanceof pkg.ResourceError);
  assert.equal(error.requestId, "req_fetch_404");
  assert.deepEqual({ ...error.metadata }, { business_id: "biz_acme", invoice_id: "inv_missing" });
  assert.equal(pkg.shouldRetry(error), false);
});

test("409: the existing resource is named at once, nothing is retried", async () => {
  const { send, log } = recorded();
  const init = {
    method: "POST",
    headers: { Authorization: "Bearer tok_acme", "Content-Type": "application/json" },
    body: JSON.stringify({ external_id: "order-ts-1", amount: 100, currency: "EUR", due_date: "2026-07-01" }),
  };
  const created = await send(`${SERVICE}/businesses/biz_acme/invoices`, init);
  assert.equal(created.status, 201);
  const invoice = await created.json();
  const again = await send(`${SERVICE}/businesses/biz_acme/invoices`, init);
  assert.equal(again.status, 409);
  assert.equal(log.sent.length, 2);
  const error = await pkg.errorOf(again);
  assert.ok(error instanceof pkg.DuplicateExternalId);
  assert.equal(pkg.retryAction(error), "use_existing_resource");
  assert.equal(pkg.existingResourceHint(error).existing_invoice_id, invoice.id);
});

test("no server: the connection error is retried as the policy says, then thrown", async () => {
  const { send, log } = recorded();
  await assert.rejects(send(process.env.CLOSED_URL), TypeError);
  assert.equal(log.sent.length, pkg.RETRY_POLICY.maxAttempts);
  assert.equal(log.waits.length, pkg.RETRY_POLICY.maxAttempts - 1);
});
