// Drives the official GLAIR Vision Node SDK (@glair/vision, unchanged, as installed from npm)
// against a running glair-emulator, calling every API method the SDK exposes, and writes what
// each call answered to $GLAIR_RESULT_FILE as JSON. Run by tests/tests/node_sdk.rs; it asserts
// on the results and on the emulator's stats.
//
// Environment: GLAIR_NODE_SDK_DIR (a folder where `npm install @glair/vision@<version>` ran),
// GLAIR_BASE_URL, GLAIR_API_KEY, GLAIR_USERNAME, GLAIR_PASSWORD, GLAIR_RESULT_FILE.

import { createRequire } from "node:module";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const env = (name) => {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set`);
  return value;
};

const sdkDir = env("GLAIR_NODE_SDK_DIR");
const baseUrl = env("GLAIR_BASE_URL");
const apiKey = env("GLAIR_API_KEY");
const username = env("GLAIR_USERNAME");
const password = env("GLAIR_PASSWORD");
const resultFile = env("GLAIR_RESULT_FILE");

// The package as npm installed it (its "require" entry, lib/index.cjs).
const require = createRequire(join(sdkDir, "package.json"));
const sdkPath = require.resolve("@glair/vision");
const sdkVersion = JSON.parse(
  readFileSync(join(sdkDir, "node_modules/@glair/vision/package.json"), "utf8"),
).version;
const { Vision, setLogLevel, LogLevel } = require(sdkPath);
setLogLevel(LogLevel.SILENT);

const vision = new Vision({ baseUrl, apiKey, username, password });

// Files the SDK reads from disk: a JPEG (its magic number is all the emulator checks) and a
// GIF, to see the SDK surface a documented error.
const dir = mkdtempSync(join(tmpdir(), "glair-node-sdk-"));
const jpeg = join(dir, "face.jpg");
writeFileSync(jpeg, Buffer.from("ffd8ffe000104a46494600010100000100010000ffd9", "hex"));
const gif = join(dir, "not-an-image.gif");
writeFileSync(gif, Buffer.from("GIF89a\x01\x00\x01\x00", "latin1"));

// The emulator's own control API (not part of the SDK): finish a session, steer an outcome.
const basic = "Basic " + Buffer.from(`${username}:${password}`).toString("base64");
async function control(method, path, body) {
  const resp = await fetch(`${baseUrl}${path}`, {
    method,
    headers: { Authorization: basic, "x-api-key": apiKey, "Content-Type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (!resp.ok) throw new Error(`${method} ${path}: ${resp.status} ${await resp.text()}`);
  return resp.json();
}

const results = [];
const called = new Set();
async function call(method, fn, { expectError = false } = {}) {
  called.add(method.replace(/\[.*\]$/, ""));
  try {
    const answer = await fn();
    results.push({ method, ok: !expectError, answer });
  } catch (thrown) {
    // The SDK throws the parsed JSON body of a non-2xx answer (not an Error).
    const answer = thrown instanceof Error ? { error: String(thrown) } : thrown;
    results.push({ method, ok: expectError && !(thrown instanceof Error), answer, threw: true });
  }
}

const sid = (session) => new URL(session.url).pathname.split("/").pop();
const success_url = "https://app.example/done";
const cancel_url = "https://app.example/cancel";

// faceBio.*
await call("faceBio.match", () => vision.faceBio.match({ captured: jpeg, stored: jpeg }));
await control("POST", "/_emulator/outcomes/F1", { outcome: "not-match" });
await call("faceBio.match[steered]", () => vision.faceBio.match({ captured: jpeg, stored: jpeg }));
await control("DELETE", "/_emulator/outcomes");
await call("faceBio.passiveLiveness", () => vision.faceBio.passiveLiveness({ image: jpeg }));
await call("faceBio.activeLiveness", () =>
  vision.faceBio.activeLiveness({ image: jpeg, gestureCode: "HAND_01100" }),
);

// The four session kinds: create, retrieve (pending), finish it, retrieve (finished).
const sessions = [
  ["faceBio.passiveLivenessSessions", vision.faceBio.passiveLivenessSessions, "passive-liveness-sessions", { success_url, cancel_url }],
  ["faceBio.activeLivenessSessions", vision.faceBio.activeLivenessSessions, "active-liveness-sessions", { success_url, number_of_gestures: 3 }],
  ["ocr.ktpSessions", vision.ocr.ktpSessions, "ktp-sessions", { success_url, cancel_url, qualities_detector: true }],
  ["ocr.npwpSessions", vision.ocr.npwpSessions, "npwp-sessions", { success_url }],
];
for (const [name, api, resource, params] of sessions) {
  let created;
  await call(`${name}.create`, async () => (created = await api.create(params)));
  if (!created) continue;
  await call(`${name}.retrieve[pending]`, () => api.retrieve({ sid: sid(created) }));
  await control("POST", `/_emulator/${resource}/${sid(created)}/complete`);
  await call(`${name}.retrieve`, () => api.retrieve({ sid: sid(created) }));
}

// identity.*
const person = { nik: "3171011708900001", name: "BUDI SANTOSO", date_of_birth: "17-08-1990" };
await call("identity.verification", () => vision.identity.verification(person));
await call("identity.faceVerification", () =>
  vision.identity.faceVerification({ ...person, face_image: jpeg }),
);

// ocr.*: every document method, KTP also with the quality detector.
for (const method of [
  "ktp", "npwp", "kk", "stnk", "bpkb", "passport", "licensePlate", "generalDocument",
  "invoice", "receipt", "singaporeNRIC", "singaporeFamilyPass", "singaporeWorkPermit",
]) {
  await call(`ocr.${method}`, () => vision.ocr[method]({ image: jpeg }));
}
await call("ocr.ktp[qualities]", () => vision.ocr.ktp({ image: jpeg, qualities_detector: true }));
// A documented error, surfaced as the SDK surfaces them (it throws the JSON body).
await call("ocr.ktp[gif]", () => vision.ocr.ktp({ image: gif }), { expectError: true });

// Every method the SDK exposes must have been called: walk its objects' prototypes.
// Skipped, with why: `constructor`; `faceBio.base64_encode` (a local file helper, no request);
// `ocr.fetchOCR` and `ocr.validateOCRParam` (the internals every `ocr.*` method goes through).
const internal = new Set(["constructor", "base64_encode", "fetchOCR", "validateOCRParam"]);
const exposed = [];
function walk(prefix, object) {
  for (const key of Object.getOwnPropertyNames(Object.getPrototypeOf(object))) {
    if (!internal.has(key) && typeof object[key] === "function") exposed.push(`${prefix}.${key}`);
  }
  for (const [key, value] of Object.entries(object)) {
    if (value && typeof value === "object" && key !== "config") walk(`${prefix}.${key}`, value);
  }
}
for (const ns of ["faceBio", "identity", "ocr"]) walk(ns, vision[ns]);
const notCalled = exposed.filter((m) => !called.has(m));

writeFileSync(resultFile, JSON.stringify({ sdkPath, sdkVersion, exposed, notCalled, results }, null, 1));
