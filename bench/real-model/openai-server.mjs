// A minimal OpenAI-compatible server around node-llama-cpp (llama.cpp, CPU), for Nightbench's opt-in real-model check.
// Usage: node openai-server.mjs --model FILE.gguf [--id NAME] [--port 0] [--host 127.0.0.1] [--threads N] [--ctx 2048]
// Prints "listening http://HOST:PORT/v1" on stdout once the model is loaded (port 0 = a free port).
import http from "node:http";
import path from "node:path";
import {parseArgs} from "node:util";
import {getLlama, LlamaCompletion} from "node-llama-cpp";

const {values: opt} = parseArgs({options: {
    model: {type: "string"}, id: {type: "string"}, port: {type: "string", default: "0"},
    host: {type: "string", default: "127.0.0.1"}, threads: {type: "string", default: "1"}, ctx: {type: "string", default: "2048"}}});
if (!opt.model) { console.error("--model FILE.gguf is required"); process.exit(2); }
const modelId = opt.id ?? path.basename(opt.model).replace(/\.gguf$/i, "");

// build: "never" = use the prebuilt binary from @node-llama-cpp/linux-x64; never download or compile llama.cpp.
const llama = await getLlama({gpu: false, build: "never", logLevel: "error"});
const model = await llama.loadModel({modelPath: opt.model, gpuLayers: 0});
const context = await model.createContext({contextSize: Number(opt.ctx), threads: Number(opt.threads), sequences: 1});
const completion = new LlamaCompletion({contextSequence: context.getSequence()});
const created = Math.floor(Date.now() / 1000);

let queue = Promise.resolve();            // one context sequence: requests are served one at a time, in order
const serialized = (fn) => (queue = queue.then(fn, fn));

const text = (c) => typeof c === "string" ? c : Array.isArray(c) ? c.map((p) => p?.text ?? "").join("") : "";
// No chat template in the GGUF: a plain "role: content" transcript, ending with the assistant's turn.
const promptOf = (messages) => messages.map((m) => `${m.role}: ${text(m.content)}`).join("\n") + "\nassistant:";

function send(res, status, body) {
    res.writeHead(status, {"content-type": "application/json"});
    res.end(JSON.stringify(body));
}
const error = (res, status, message, type = "invalid_request_error") => send(res, status, {error: {message, type, param: null, code: null}});

async function chat(req, res, body) {
    if (!Array.isArray(body.messages) || body.messages.length === 0) return error(res, 400, "'messages' must be a non-empty array");
    if (body.model !== modelId) return error(res, 404, `The model '${body.model}' does not exist`, "not_found_error");
    const prompt = promptOf(body.messages);
    const promptTokens = model.tokenize(prompt).length + (model.tokens.bos != null ? 1 : 0);
    const maxTokens = Math.max(1, Math.min(Number(body.max_completion_tokens ?? body.max_tokens ?? 256), Number(opt.ctx) - promptTokens));
    const id = "chatcmpl-" + Math.random().toString(36).slice(2, 14);
    const stream = body.stream === true, includeUsage = stream && body.stream_options?.include_usage === true;
    const chunk = (delta, finish = null) => ({id, object: "chat.completion.chunk", created: Math.floor(Date.now() / 1000),
        model: modelId, choices: [{index: 0, delta, logprobs: null, finish_reason: finish}], ...(includeUsage ? {usage: null} : {})});
    const sse = (obj) => res.write(`data: ${JSON.stringify(obj)}\n\n`);
    const abort = new AbortController();
    res.on("close", () => abort.abort());

    await serialized(async () => {
        if (abort.signal.aborted) return;
        if (stream) {
            res.writeHead(200, {"content-type": "text/event-stream", "cache-control": "no-cache", connection: "keep-alive"});
            sse(chunk({role: "assistant", content: ""}));
        }
        let completionTokens = 0;
        const result = await completion.generateCompletionWithMeta(prompt, {
            maxTokens, temperature: Number(body.temperature ?? 1), topP: body.top_p ?? undefined,
            seed: body.seed ?? undefined, signal: abort.signal, stopOnAbortSignal: true,
            onToken: (tokens) => { completionTokens += tokens.length; },
            onTextChunk: stream ? (t) => { if (t) sse(chunk({content: t})); } : undefined});
        if (abort.signal.aborted) return;
        const finish = result.metadata.stopReason === "maxTokens" ? "length" : "stop";
        const usage = {prompt_tokens: promptTokens, completion_tokens: completionTokens, total_tokens: promptTokens + completionTokens};
        if (stream) {
            sse(chunk({}, finish));
            if (includeUsage) sse({id, object: "chat.completion.chunk", created: Math.floor(Date.now() / 1000), model: modelId, choices: [], usage});
            res.end("data: [DONE]\n\n");
        } else {
            send(res, 200, {id, object: "chat.completion", created: Math.floor(Date.now() / 1000), model: modelId,
                choices: [{index: 0, message: {role: "assistant", content: result.response}, logprobs: null, finish_reason: finish}], usage});
        }
    }).catch((e) => {
        if (!res.headersSent) error(res, 500, String(e?.message ?? e), "server_error");
        else res.end(`data: ${JSON.stringify({error: {message: String(e?.message ?? e), type: "server_error"}})}\n\n`);
    });
}

const server = http.createServer((req, res) => {
    const url = new URL(req.url, "http://x");
    if (req.method === "GET" && url.pathname === "/v1/models")
        return send(res, 200, {object: "list", data: [{id: modelId, object: "model", created, owned_by: "node-llama-cpp"}]});
    if (req.method === "POST" && url.pathname === "/v1/chat/completions") {
        let raw = "";
        req.setEncoding("utf8").on("data", (d) => raw += d).on("end", () => {
            let body;
            try { body = JSON.parse(raw); } catch { return error(res, 400, "the body is not valid JSON"); }
            chat(req, res, body);
        });
        return;
    }
    error(res, 404, `no route ${req.method} ${url.pathname}`, "not_found_error");
});
server.listen(Number(opt.port), opt.host, () => console.log(`listening http://${opt.host}:${server.address().port}/v1 model=${modelId}`));
const stop = () => server.close(() => { context.dispose().finally(() => process.exit(0)); setTimeout(() => process.exit(0), 2000).unref(); });
process.on("SIGTERM", stop).on("SIGINT", stop);
