// Running the (asynchronous) provider validation from cdktf's synchronous validations:
// a worker thread does the work while this thread waits on a shared flag (Atomics.wait),
// then takes the answer from the message port synchronously. One worker per batch: a
// synth checks every acme construct of the app in one go.
import { MessageChannel, receiveMessageOnPort, Worker } from "node:worker_threads";
import type { Diagnostic } from "../plugin/index.js";
import type { CheckRequest } from "./check-types.js";

const TIMEOUT_MS = 120_000;

// Run as a CommonJS script in the worker: load the checks module (through tsx when this
// package runs from its TypeScript sources), run, post the answer, raise the flag.
const BOOTSTRAP = `
const { workerData } = require("node:worker_threads");
const { flag, port, moduleUrl, fromSource, request } = workerData;
const done = (answer) => {
  port.postMessage(answer);
  const cell = new Int32Array(flag);
  Atomics.store(cell, 0, 1);
  Atomics.notify(cell, 0);
};
(async () => {
  if (fromSource) (await import("tsx/esm/api")).register();
  const { runChecks } = await import(moduleUrl);
  return runChecks(request);
})().then(
  (diagnostics) => done({ ok: true, diagnostics }),
  (cause) => done({ ok: false, error: String((cause && cause.stack) || cause) }),
);
`;

type Answer = { ok: true; diagnostics: Diagnostic[][] } | { ok: false; error: string };

export function runChecksSync(request: CheckRequest): Diagnostic[][] {
  if (request.items.length === 0) return [];
  const fromSource = import.meta.url.endsWith(".ts");
  const moduleUrl = new URL(fromSource ? "./checks-worker.ts" : "./checks-worker.js", import.meta.url).href;
  const flag = new SharedArrayBuffer(4);
  const { port1, port2 } = new MessageChannel();
  const worker = new Worker(BOOTSTRAP, {
    eval: true,
    workerData: { flag, port: port2, moduleUrl, fromSource, request },
    transferList: [port2],
    stdout: false,
    stderr: false,
  });
  try {
    const waited = Atomics.wait(new Int32Array(flag), 0, 0, TIMEOUT_MS);
    const message = receiveMessageOnPort(port1)?.message as Answer | undefined;
    if (!message) throw new Error(`acme-tf synth checks: no answer from the validation worker (${waited === "timed-out" ? "timed out" : "it stopped"})`);
    if (!message.ok) throw new Error(`acme-tf synth checks failed to run: ${message.error}`);
    return message.diagnostics;
  } finally {
    port1.close();
    void worker.terminate();
  }
}
