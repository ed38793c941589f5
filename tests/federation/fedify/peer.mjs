// A second fediverse server that is not ours, on loopback: Fedify (npm, @fedify/fedify 1.5.9),
// a TypeScript framework other servers are built on. It signs what it sends, checks the
// signatures and parses the JSON-LD of what it receives, all with its own code.
//
//   node tests/federation/fedify/peer.mjs     # prints "port N", then serves 127.0.0.1:N
//
// One actor, /users/fed (RSA for HTTP Signatures, Ed25519 for object proofs, as Fedify's
// own examples have it). The Python tests drive it through a few control endpoints:
//   POST /control/follow {"object": ACTOR}                Follow that actor
//   POST /control/reply  {"to": ACTOR, "inReplyTo": URI,  a Note in reply, in a Create
//                         "content": HTML, "n": N}
//   GET  /control/state                                   what it received, as Fedify's
//                                                         vocabulary parsed it, and whom it
//                                                         follows (an Accept came back)
//   POST /control/reset                                   forget all that (a new database)
// Nothing leaves loopback: JSON-LD contexts come from Fedify's preloaded set, and any other
// address is refused and reported in the state ("offline").

import { createServer } from "node:http";
import {
  Accept,
  Create,
  Delete,
  Endpoints,
  Follow,
  Hashtag,
  MemoryKvStore,
  Note,
  Person,
  PUBLIC_COLLECTION,
  Update,
  createFederation,
  generateCryptoKeyPair,
} from "@fedify/fedify";

const LOOPBACK = new Set(["127.0.0.1", "localhost", "[::1]"]);
const NAME = "fed";

// Contexts and actors are fetched through the global fetch: guard it, so a test shows a
// request for the internet instead of waiting on it.
const realFetch = globalThis.fetch;
let state = fresh();
globalThis.fetch = (input, init) => {
  const url = new URL(input instanceof Request ? input.url : String(input));
  if (!LOOPBACK.has(url.hostname)) {
    state.offline.push(url.href);
    return Promise.reject(new TypeError(`offline: ${url.href}`));
  }
  return realFetch(input, init);
};

const requested = new Map(); // our Follow's id → the actor it asks to follow

function fresh() {
  return { received: [], following: [], offline: [], errors: [] };
}

// RSA of 2048 bits, as Mastodon's (Fedify's own helper makes 4096, seconds on a busy machine).
const rsa = { name: "RSASSA-PKCS1-v1_5", hash: "SHA-256", modulusLength: 2048 };
const keys = [
  await crypto.subtle.generateKey(
    { ...rsa, publicExponent: new Uint8Array([1, 0, 1]) },
    true,
    ["sign", "verify"],
  ),
  await generateCryptoKeyPair("Ed25519"),
];
let federation = build();

function build() {
  // allowPrivateAddress: the blog under test is on loopback, and Fedify refuses private
  // addresses otherwise. A new store per reset: each test's blog has new keys.
  const built = createFederation({ kv: new MemoryKvStore(), allowPrivateAddress: true });
  built
    .setActorDispatcher("/users/{identifier}", async (ctx, identifier) => {
      if (identifier !== NAME) return null;
      const pairs = await ctx.getActorKeyPairs(identifier);
      return new Person({
        id: ctx.getActorUri(identifier),
        preferredUsername: identifier,
        name: "Fedi Fedify",
        inbox: ctx.getInboxUri(identifier),
        endpoints: new Endpoints({ sharedInbox: ctx.getInboxUri() }),
        publicKey: pairs[0].cryptographicKey,
        assertionMethods: pairs.map((pair) => pair.multikey),
      });
    })
    .setKeyPairsDispatcher(async (_ctx, identifier) => (identifier === NAME ? keys : []));
  built
    .setInboxListeners("/users/{identifier}/inbox", "/inbox")
    .on(Accept, async (_ctx, accept) => {
      // As a Fedify app keeps its follow requests: ours, accepted by the actor we asked.
      const asked = requested.get(accept.objectId?.href);
      if (asked && asked === accept.actorId?.href) state.following.push(asked);
      state.received.push({ type: "Accept", actor: accept.actorId?.href });
    })
    .on(Create, async (_ctx, create) => state.received.push(await described(create)))
    .on(Update, async (_ctx, update) => state.received.push(await described(update)))
    .on(Delete, async (_ctx, gone) => state.received.push(await described(gone)))
    .onError((_ctx, error) => state.errors.push(String(error)));
  return built;
}

async function described(activity) {
  const object = await activity.getObject();
  const tags = [];
  for await (const tag of object?.getTags?.() ?? []) {
    if (tag instanceof Hashtag) tags.push({ name: text(tag.name), href: tag.href?.href });
  }
  return {
    type: activity.constructor.name,
    actor: activity.actorId?.href,
    objectType: object?.constructor.name,
    id: activity.objectId?.href,
    name: text(object?.name),
    url: object?.url instanceof URL ? object.url.href : object?.url?.href?.href,
    content: text(object?.content),
    inReplyTo: object?.replyTargetId?.href,
    tags,
  };
}

function text(value) {
  return value == null ? null : String(value);
}

async function control(request, url) {
  const ctx = federation.createContext(new URL(url.origin));
  const body = request.method === "POST" ? await request.json() : {};
  const me = ctx.getActorUri(NAME);
  if (url.pathname === "/control/state") return state;
  if (url.pathname === "/control/reset") {
    state = fresh();
    requested.clear();
    federation = build();
    return {};
  }
  const them = await ctx.lookupObject(body.object ?? body.to);
  if (them === null) throw new Error(`could not look up ${body.object ?? body.to}`);
  if (url.pathname === "/control/follow") {
    const follow = new Follow({ id: new URL(`${me.href}/follows/1`), actor: me, object: them.id });
    requested.set(follow.id.href, them.id.href);
    await ctx.sendActivity({ identifier: NAME }, them, follow);
    return {};
  }
  const note = new Note({
    id: new URL(`${me.href}/notes/${body.n}`),
    attribution: me,
    replyTarget: new URL(body.inReplyTo),
    content: body.content,
    to: PUBLIC_COLLECTION,
    cc: them.id,
  });
  const create = new Create({
    id: new URL(`${note.id.href}/create`),
    actor: me,
    object: note,
    to: PUBLIC_COLLECTION,
    cc: them.id,
  });
  await ctx.sendActivity({ identifier: NAME }, them, create);
  return {};
}

async function handle(request) {
  const url = new URL(request.url);
  if (!url.pathname.startsWith("/control/")) {
    return federation.fetch(request, { contextData: undefined });
  }
  try {
    return Response.json(await control(request, url));
  } catch (error) {
    return Response.json({ error: String(error?.stack ?? error) }, { status: 500 });
  }
}

// Fedify speaks the Fetch API's Request and Response; Node's http server does not.
const server = createServer(async (incoming, outgoing) => {
  const chunks = [];
  for await (const chunk of incoming) chunks.push(chunk);
  const body = ["GET", "HEAD"].includes(incoming.method) ? undefined : Buffer.concat(chunks);
  const request = new Request(`http://${incoming.headers.host}${incoming.url}`, {
    method: incoming.method,
    headers: Object.entries(incoming.headers).flatMap(([name, value]) =>
      (Array.isArray(value) ? value : [value]).map((one) => [name, one]),
    ),
    body,
  });
  const response = await handle(request);
  outgoing.writeHead(response.status, Object.fromEntries(response.headers));
  outgoing.end(Buffer.from(await response.arrayBuffer()));
});
server.listen(0, "127.0.0.1", () => console.log(`port ${server.address().port}`));
