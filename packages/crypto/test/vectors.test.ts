// The IETF MLS working group's test vectors (test/vectors/README.md), run against the pinned
// ts-mls with our own ciphersuite implementation (WebCrypto Ed25519 included). Only entries for
// ciphersuite 1 run: it is the only suite Parley speaks. Internal modules are imported by path on
// purpose: the vectors test the layers below the public API too.
import { readFileSync } from "node:fs";

import {
  decodeMlsMessage,
  ciphersuites,
  joinGroup,
  makePskIndex,
  processPrivateMessage,
  processPublicMessage,
  type CiphersuiteImpl,
  type ClientState,
  type KeyPackage,
} from "ts-mls";
import { decodeAuthenticatedContent } from "ts-mls/authenticatedContent.js";
import { decryptWithLabel, encryptWithLabel } from "ts-mls/crypto/hpke.js";
import { refhash } from "ts-mls/crypto/hash.js";
import { deriveSecret, deriveTreeSecret, expandWithLabel } from "ts-mls/crypto/kdf.js";
import { signWithLabel, verifyWithLabel } from "ts-mls/crypto/signature.js";
import { encodeGroupContext, type GroupContext } from "ts-mls/groupContext.js";
import { verifyGroupInfoConfirmationTag, verifyGroupInfoSignature } from "ts-mls/groupInfo.js";
import { initializeEpoch, mlsExporter } from "ts-mls/keySchedule.js";
import { makeKeyPackageRef } from "ts-mls/keyPackage.js";
import { decodeRatchetTree } from "ts-mls/ratchetTree.js";
import { expandSenderDataKey, expandSenderDataNonce } from "ts-mls/sender.js";
import { createSecretTree, deriveKey, deriveNonce, ratchetUntil } from "ts-mls/secretTree.js";
import { createConfirmedHash, createInterimHash } from "ts-mls/transcriptHash.js";
import {
  left,
  leafToNodeIndex,
  nodeWidth,
  parent,
  right,
  root,
  sibling,
  toLeafIndex,
  toNodeIndex,
} from "ts-mls/treemath.js";
import { defaultKeyRetentionConfig } from "ts-mls/keyRetentionConfig.js";
import { decryptGroupInfo, decryptGroupSecrets } from "ts-mls/welcome.js";
import { beforeAll, describe, expect, it } from "vitest";

import { bytesEqual, fromHex, toBase64, toHex } from "../src/bytes";
import { CIPHERSUITE_NAME, cipherSuite } from "../src/suite";

const SUITE_ID = 1;
const hex = fromHex;

function vectors<T>(name: string): T[] {
  const all = JSON.parse(readFileSync(new URL(`vectors/${name}.json`, import.meta.url), "utf8")) as (T & {
    cipher_suite?: number;
  })[];
  return all.filter((vector) => vector.cipher_suite === undefined || vector.cipher_suite === SUITE_ID);
}

let cs: CiphersuiteImpl;
beforeAll(async () => {
  cs = await cipherSuite();
  expect(ciphersuites[CIPHERSUITE_NAME]).toBe(SUITE_ID);
});

describe("crypto-basics", () => {
  type Vector = {
    cipher_suite: number;
    ref_hash: { label: string; value: string; out: string };
    expand_with_label: { secret: string; label: string; context: string; length: number; out: string };
    derive_secret: { secret: string; label: string; out: string };
    derive_tree_secret: { secret: string; label: string; generation: number; length: number; out: string };
    sign_with_label: { priv: string; pub: string; content: string; label: string; signature: string };
    encrypt_with_label: {
      priv: string;
      pub: string;
      label: string;
      context: string;
      plaintext: string;
      kem_output: string;
      ciphertext: string;
    };
  };
  const all = vectors<Vector>("crypto-basics");
  it("has ciphersuite 1 entries", () => expect(all.length).toBeGreaterThan(0));

  it.each(all.map((vector, index) => [index, vector] as const))("entry %i", async (_index, v) => {
    expect(toHex(await refhash(v.ref_hash.label, hex(v.ref_hash.value), cs.hash))).toBe(v.ref_hash.out);
    const e = v.expand_with_label;
    expect(toHex(await expandWithLabel(hex(e.secret), e.label, hex(e.context), e.length, cs.kdf))).toBe(e.out);
    const d = v.derive_secret;
    expect(toHex(await deriveSecret(hex(d.secret), d.label, cs.kdf))).toBe(d.out);
    const t = v.derive_tree_secret;
    expect(toHex(await deriveTreeSecret(hex(t.secret), t.label, t.generation, t.length, cs.kdf))).toBe(t.out);

    // Ed25519 signatures are deterministic: ours must equal the vector's byte for byte.
    const s = v.sign_with_label;
    expect(await verifyWithLabel(hex(s.pub), s.label, hex(s.content), hex(s.signature), cs.signature)).toBe(true);
    expect(toHex(await signWithLabel(hex(s.priv), s.label, hex(s.content), cs.signature))).toBe(s.signature);
    const tampered = hex(s.signature);
    tampered[0] = (tampered[0] ?? 0) ^ 1;
    expect(await verifyWithLabel(hex(s.pub), s.label, hex(s.content), tampered, cs.signature)).toBe(false);

    const h = v.encrypt_with_label;
    const privateKey = await cs.hpke.importPrivateKey(hex(h.priv));
    const opened = await decryptWithLabel(
      privateKey,
      h.label,
      hex(h.context),
      hex(h.kem_output),
      hex(h.ciphertext),
      cs.hpke,
    );
    expect(toHex(opened)).toBe(h.plaintext);
    const publicKey = await cs.hpke.importPublicKey(hex(h.pub));
    const sealed = await encryptWithLabel(publicKey, h.label, hex(h.context), hex(h.plaintext), cs.hpke);
    const roundTrip = await decryptWithLabel(privateKey, h.label, hex(h.context), sealed.enc, sealed.ct, cs.hpke);
    expect(toHex(roundTrip)).toBe(h.plaintext);
  });
});

describe("tree-math", () => {
  type Vector = {
    n_leaves: number;
    n_nodes: number;
    root: number;
    left: (number | null)[];
    right: (number | null)[];
    parent: (number | null)[];
    sibling: (number | null)[];
  };
  const all = vectors<Vector>("tree-math");

  it.each(all.map((vector) => [vector.n_leaves, vector] as const))("%i leaves", (_n, v) => {
    expect(nodeWidth(v.n_leaves)).toBe(v.n_nodes);
    expect(root(v.n_leaves)).toBe(v.root);
    const check = (expected: (number | null)[], relation: (node: number) => number) => {
      for (const [node, answer] of expected.entries()) {
        if (answer === null) expect(() => relation(node)).toThrow();
        else expect(relation(node)).toBe(answer);
      }
    };
    check(v.left, (node) => left(toNodeIndex(node)));
    check(v.right, (node) => right(toNodeIndex(node)));
    check(v.parent, (node) => parent(toNodeIndex(node), v.n_leaves));
    check(v.sibling, (node) => sibling(toNodeIndex(node), v.n_leaves));
  });
});

describe("key-schedule", () => {
  type Epoch = Record<
    | "group_context"
    | "tree_hash"
    | "confirmed_transcript_hash"
    | "commit_secret"
    | "psk_secret"
    | "joiner_secret"
    | "welcome_secret"
    | "init_secret"
    | "sender_data_secret"
    | "encryption_secret"
    | "exporter_secret"
    | "external_secret"
    | "external_pub"
    | "confirmation_key"
    | "membership_key"
    | "resumption_psk"
    | "epoch_authenticator",
    string
  > & { exporter: { label: string; context: string; length: number; secret: string } };
  type Vector = { cipher_suite: number; group_id: string; initial_init_secret: string; epochs: Epoch[] };
  const all = vectors<Vector>("key-schedule");

  it.each(all.map((vector, index) => [index, vector] as const))("entry %i", async (_index, v) => {
    let initSecret = hex(v.initial_init_secret);
    for (const [index, epoch] of v.epochs.entries()) {
      const context: GroupContext = {
        version: "mls10",
        cipherSuite: CIPHERSUITE_NAME,
        groupId: hex(v.group_id),
        epoch: BigInt(index),
        treeHash: hex(epoch.tree_hash),
        confirmedTranscriptHash: hex(epoch.confirmed_transcript_hash),
        extensions: [],
      };
      expect(toHex(encodeGroupContext(context))).toBe(epoch.group_context);
      const secrets = await initializeEpoch(
        initSecret,
        hex(epoch.commit_secret),
        context,
        hex(epoch.psk_secret),
        cs.kdf,
      );
      const { keySchedule } = secrets;
      expect(toHex(secrets.joinerSecret)).toBe(epoch.joiner_secret);
      expect(toHex(secrets.welcomeSecret)).toBe(epoch.welcome_secret);
      expect(toHex(secrets.encryptionSecret)).toBe(epoch.encryption_secret);
      expect(toHex(keySchedule.initSecret)).toBe(epoch.init_secret);
      expect(toHex(keySchedule.senderDataSecret)).toBe(epoch.sender_data_secret);
      expect(toHex(keySchedule.exporterSecret)).toBe(epoch.exporter_secret);
      expect(toHex(keySchedule.externalSecret)).toBe(epoch.external_secret);
      expect(toHex(keySchedule.confirmationKey)).toBe(epoch.confirmation_key);
      expect(toHex(keySchedule.membershipKey)).toBe(epoch.membership_key);
      expect(toHex(keySchedule.resumptionPsk)).toBe(epoch.resumption_psk);
      expect(toHex(keySchedule.epochAuthenticator)).toBe(epoch.epoch_authenticator);
      const { publicKey } = await cs.hpke.deriveKeyPair(hex(epoch.external_secret));
      expect(toHex(await cs.hpke.exportPublicKey(publicKey))).toBe(epoch.external_pub);
      const x = epoch.exporter;
      expect(toHex(await mlsExporter(keySchedule.exporterSecret, x.label, hex(x.context), x.length, cs))).toBe(
        x.secret,
      );
      initSecret = keySchedule.initSecret;
    }
  });
});

describe("secret-tree", () => {
  type Generation = Record<"handshake_key" | "handshake_nonce" | "application_key" | "application_nonce", string> & {
    generation: number;
  };
  type Vector = {
    cipher_suite: number;
    sender_data: { sender_data_secret: string; ciphertext: string; key: string; nonce: string };
    encryption_secret: string;
    leaves: Generation[][];
  };
  const all = vectors<Vector>("secret-tree");

  it.each(all.map((vector, index) => [index, vector] as const))("entry %i", async (_index, v) => {
    const sd = v.sender_data;
    expect(toHex(await expandSenderDataKey(cs, hex(sd.sender_data_secret), hex(sd.ciphertext)))).toBe(sd.key);
    expect(toHex(await expandSenderDataNonce(cs, hex(sd.sender_data_secret), hex(sd.ciphertext)))).toBe(sd.nonce);
    const tree = await createSecretTree(v.leaves.length, hex(v.encryption_secret), cs.kdf);
    for (const [leaf, generations] of v.leaves.entries()) {
      const node = tree[leafToNodeIndex(toLeafIndex(leaf))];
      if (!node) throw new Error(`no secret tree node for leaf ${leaf}`);
      for (const g of generations) {
        for (const [ratchet, key, nonce] of [
          [node.handshake, g.handshake_key, g.handshake_nonce],
          [node.application, g.application_key, g.application_nonce],
        ] as const) {
          const [secret] = await ratchetUntil(ratchet, g.generation, defaultKeyRetentionConfig, cs.kdf);
          expect(secret.generation).toBe(g.generation);
          expect(toHex(await deriveKey(secret.secret, secret.generation, cs))).toBe(key);
          expect(toHex(await deriveNonce(secret.secret, secret.generation, cs))).toBe(nonce);
        }
      }
    }
  });
});

describe("transcript-hashes", () => {
  type Vector = Record<
    | "confirmation_key"
    | "authenticated_content"
    | "interim_transcript_hash_before"
    | "confirmed_transcript_hash_after"
    | "interim_transcript_hash_after",
    string
  > & { cipher_suite: number };
  const all = vectors<Vector>("transcript-hashes");

  it.each(all.map((vector, index) => [index, vector] as const))("entry %i", async (_index, v) => {
    const [content] = decodeAuthenticatedContent(hex(v.authenticated_content), 0) ?? [];
    if (content?.auth.contentType !== "commit" || content.content.contentType !== "commit") {
      throw new Error("the vector's authenticated content is not a commit");
    }
    const tag = content.auth.confirmationTag;
    expect(await cs.hash.verifyMac(hex(v.confirmation_key), tag, hex(v.confirmed_transcript_hash_after))).toBe(true);
    const confirmed = await createConfirmedHash(
      hex(v.interim_transcript_hash_before),
      { wireformat: content.wireformat, content: content.content, signature: content.auth.signature },
      cs.hash,
    );
    expect(toHex(confirmed)).toBe(v.confirmed_transcript_hash_after);
    expect(toHex(await createInterimHash(confirmed, tag, cs.hash))).toBe(v.interim_transcript_hash_after);
  });
});

describe("welcome", () => {
  type Vector = { cipher_suite: number; init_priv: string; signer_pub: string; key_package: string; welcome: string };
  const all = vectors<Vector>("welcome");

  it.each(all.map((vector, index) => [index, vector] as const))("entry %i", async (_index, v) => {
    const [welcomeMessage] = decodeMlsMessage(hex(v.welcome), 0) ?? [];
    const [keyPackageMessage] = decodeMlsMessage(hex(v.key_package), 0) ?? [];
    if (welcomeMessage?.wireformat !== "mls_welcome") throw new Error("not a Welcome");
    if (keyPackageMessage?.wireformat !== "mls_key_package") throw new Error("not a KeyPackage");
    const welcome = welcomeMessage.welcome;
    const ref = await makeKeyPackageRef(keyPackageMessage.keyPackage, cs.hash);
    expect(welcome.secrets.some((secret) => bytesEqual(secret.newMember, ref))).toBe(true);
    const initKey = await cs.hpke.importPrivateKey(hex(v.init_priv));
    const secrets = await decryptGroupSecrets(initKey, ref, welcome, cs.hpke);
    if (!secrets) throw new Error("the group secrets did not decrypt");
    const noPsk = new Uint8Array(cs.kdf.size);
    const info = await decryptGroupInfo(welcome, secrets.joinerSecret, noPsk, cs);
    if (!info) throw new Error("the GroupInfo did not decrypt");
    expect(await verifyGroupInfoConfirmationTag(info, secrets.joinerSecret, noPsk, cs)).toBe(true);
    expect(await verifyGroupInfoSignature(info, hex(v.signer_pub), cs.signature)).toBe(true);
  });
});

// A passive client joins from a Welcome and follows the group's commits; after each epoch its
// epoch authenticator must equal the one every other implementation computed.
describe.each(["passive-client-welcome", "passive-client-handling-commit"])("%s", (name) => {
  type Vector = {
    cipher_suite: number;
    external_psks: { psk_id: string; psk: string }[];
    key_package: string;
    signature_priv: string;
    encryption_priv: string;
    init_priv: string;
    welcome: string;
    ratchet_tree: string | null;
    initial_epoch_authenticator: string;
    epochs: { proposals: string[]; commit: string; epoch_authenticator: string }[];
  };
  const all = vectors<Vector>(name);
  it("has ciphersuite 1 entries", () => expect(all.length).toBeGreaterThan(0));

  it.each(all.map((vector, index) => [index, vector] as const))("entry %i", async (_index, v) => {
    const [keyPackageMessage] = decodeMlsMessage(hex(v.key_package), 0) ?? [];
    const [welcomeMessage] = decodeMlsMessage(hex(v.welcome), 0) ?? [];
    if (keyPackageMessage?.wireformat !== "mls_key_package") throw new Error("not a KeyPackage");
    if (welcomeMessage?.wireformat !== "mls_welcome") throw new Error("not a Welcome");
    const keyPackage: KeyPackage = keyPackageMessage.keyPackage;
    const tree = v.ratchet_tree === null ? undefined : decodeRatchetTree(hex(v.ratchet_tree), 0)?.[0];
    const psks = Object.fromEntries(v.external_psks.map((psk) => [toBase64(hex(psk.psk_id)), hex(psk.psk)]));
    const privateKeys = {
      initPrivateKey: hex(v.init_priv),
      hpkePrivateKey: hex(v.encryption_priv),
      signaturePrivateKey: hex(v.signature_priv),
    };
    let state: ClientState = await joinGroup(
      welcomeMessage.welcome,
      keyPackage,
      privateKeys,
      makePskIndex(undefined, psks),
      cs,
      tree,
    );
    expect(toHex(state.keySchedule.epochAuthenticator)).toBe(v.initial_epoch_authenticator);

    const apply = async (bytes: string) => {
      const [message] = decodeMlsMessage(hex(bytes), 0) ?? [];
      if (message?.wireformat === "mls_private_message") {
        state = (await processPrivateMessage(state, message.privateMessage, makePskIndex(state, psks), cs)).newState;
      } else if (message?.wireformat === "mls_public_message") {
        state = (await processPublicMessage(state, message.publicMessage, makePskIndex(state, psks), cs)).newState;
      } else {
        throw new Error("a handshake message that is neither public nor private");
      }
    };
    for (const epoch of v.epochs) {
      for (const proposal of epoch.proposals) await apply(proposal);
      await apply(epoch.commit);
      expect(toHex(state.keySchedule.epochAuthenticator)).toBe(epoch.epoch_authenticator);
    }
  });
});
