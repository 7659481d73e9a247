import {
  createApplicationMessage,
  createCommit,
  createGroup,
  decodeGroupState,
  decodeMlsMessage,
  emptyPskIndex,
  encodeGroupState,
  encodeMlsMessage,
  joinGroup,
  processPrivateMessage,
  processPublicMessage,
  type ClientConfig,
  type ClientState,
  type Credential,
  type KeyPackage,
  type MLSMessage,
  type Proposal,
  type Welcome,
} from "ts-mls";
import { defaultClientConfig } from "ts-mls/clientConfig.js";
import { verifyKeyPackage } from "ts-mls/keyPackage.js";
import { unprotectPrivateMessage } from "ts-mls/messageProtection.js";
import type { PrivateMessage } from "ts-mls";

import { decodeCredential, verifyDeviceCertificate, type DeviceCredential } from "./account";
import { bytesEqual, toHex } from "./bytes";
import { decodePrivateKeys, generateKeyPackage, keyPackageRef, type DeviceKeys } from "./device";
import { CIPHERSUITE_NAME, cipherSuite } from "./suite";

/**
 * Trust on first use, then verification: the client answers whether `accountPublicKey` is the
 * account key it has pinned (or now pins) for `userId`. Every leaf of every conversation passes
 * here, so a device the server injects, signed by any other key, is refused.
 */
export interface TrustPolicy {
  isTrustedAccountKey(userId: number, accountPublicKey: Uint8Array): Promise<boolean>;
}

export type CryptoErrorCode =
  | "malformed" // not an MLS message, or not one of ours
  | "wrong_conversation" // an MLS message for another group
  | "stale_epoch" // a commit or message for an epoch this device no longer (or not yet) holds
  | "undecryptable" // failed authentication or decryption: tampered, replayed, or not for us
  | "untrusted" // a leaf whose credential the trust policy refuses
  | "removed"; // this device is no longer in the conversation

export class CryptoError extends Error {
  override name = "CryptoError";
  constructor(
    readonly code: CryptoErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

export interface Member {
  leafIndex: number;
  userId: number;
  accountPublicKey: Uint8Array;
  signaturePublicKey: Uint8Array;
}

export type Received =
  | { kind: "application"; plaintext: Uint8Array; sender: Member; epoch: bigint; authenticatedData: Uint8Array }
  | { kind: "commit"; epoch: bigint; removedSelf: boolean }
  | { kind: "proposal"; epoch: bigint };

/** A commit made but not yet applied: applied only once the delivery service accepted it. */
export interface StagedCommit {
  /** The MLSMessage to send, at `epoch` (the epoch it leaves). */
  commit: Uint8Array;
  epoch: bigint;
  /** The MLSMessage Welcome for the devices the commit adds, if any. */
  welcome?: Uint8Array;
  /** KeyPackageRefs (hex) of the devices the Welcome is for. */
  welcomedRefs: string[];
  readonly next: ClientState;
}

const wire = (message: MLSMessage): Uint8Array => encodeMlsMessage(message);

function decodeOne(bytes: Uint8Array): MLSMessage {
  let decoded: ReturnType<typeof decodeMlsMessage>;
  try {
    decoded = decodeMlsMessage(bytes, 0);
  } catch (error) {
    throw new CryptoError("malformed", "not an MLS message", { cause: error });
  }
  if (!decoded || decoded[1] !== bytes.length) throw new CryptoError("malformed", "not an MLS message");
  return decoded[0];
}

/** What the delivery service may read of a message: its framing, never its content. */
export interface MessageFrame {
  kind: "application" | "commit" | "proposal" | "welcome" | "key_package" | "group_info";
  groupId?: Uint8Array;
  epoch?: bigint;
}

export function inspectMessage(bytes: Uint8Array): MessageFrame {
  const message = decodeOne(bytes);
  switch (message.wireformat) {
    case "mls_private_message": {
      const { contentType, groupId, epoch } = message.privateMessage;
      return { kind: contentType, groupId, epoch };
    }
    case "mls_public_message": {
      const { contentType, groupId, epoch } = message.publicMessage.content;
      return { kind: contentType, groupId, epoch };
    }
    case "mls_welcome":
      return { kind: "welcome" };
    case "mls_key_package":
      return { kind: "key_package" };
    default:
      return { kind: "group_info" };
  }
}

function clientConfig(trust: TrustPolicy): ClientConfig {
  return {
    ...defaultClientConfig,
    authService: {
      async validateCredential(credential: Credential, signaturePublicKey: Uint8Array) {
        const decoded = decodeCredential(credential);
        if (!decoded) return false;
        if (!(await verifyDeviceCertificate(decoded, signaturePublicKey))) return false;
        return trust.isTrustedAccountKey(decoded.userId, decoded.accountPublicKey);
      },
    },
  };
}

function memberOf(state: ClientState, leafIndex: number): Member | undefined {
  const node = state.ratchetTree[leafIndex * 2];
  if (node?.nodeType !== "leaf") return undefined;
  const credential: DeviceCredential | undefined = decodeCredential(node.leaf.credential);
  if (!credential) return undefined;
  return {
    leafIndex,
    userId: credential.userId,
    accountPublicKey: credential.accountPublicKey,
    signaturePublicKey: node.leaf.signaturePublicKey,
  };
}

/** Where a device finds the private half of one of its key packages, by KeyPackageRef (hex). */
export type KeyPackageLookup = (
  ref: string,
) => Promise<{ keyPackage: Uint8Array; privateKeys: Uint8Array } | undefined>;

/**
 * One MLS group: a 1:1 chat (both people's devices) or a group chat (every member's devices).
 * Every method that fails leaves the conversation as it was: ts-mls states are values, and this
 * object moves to a new one only after a step succeeded.
 */
export class Conversation {
  private constructor(
    private state: ClientState,
    private readonly trust: TrustPolicy,
  ) {}

  /** A new group holding only this device. */
  static async create(device: DeviceKeys, groupId: Uint8Array, trust: TrustPolicy): Promise<Conversation> {
    const cs = await cipherSuite();
    const own = await generateKeyPackage(device);
    const keyPackage = keyPackageFrom(own.keyPackage);
    const state = await createGroup(
      groupId,
      keyPackage,
      decodePrivateKeys(own.privateKeys),
      [],
      cs,
      clientConfig(trust),
    );
    return new Conversation(state, trust);
  }

  /** Joins from a Welcome addressed to one of this device's key packages. */
  static async join(welcomeBytes: Uint8Array, lookup: KeyPackageLookup, trust: TrustPolicy): Promise<Conversation> {
    const message = decodeOne(welcomeBytes);
    if (message.wireformat !== "mls_welcome") throw new CryptoError("malformed", "not a Welcome");
    const welcome: Welcome = message.welcome;
    for (const secret of welcome.secrets) {
      const own = await lookup(toHex(secret.newMember));
      if (!own) continue;
      try {
        const state = await joinGroup(
          welcome,
          keyPackageFrom(own.keyPackage),
          decodePrivateKeys(own.privateKeys),
          emptyPskIndex,
          await cipherSuite(),
          undefined,
          undefined,
          clientConfig(trust),
        );
        return new Conversation(state, trust);
      } catch (error) {
        throw classify(error, "the Welcome did not open");
      }
    }
    throw new CryptoError("undecryptable", "the Welcome is for none of this device's key packages");
  }

  static restore(bytes: Uint8Array, trust: TrustPolicy): Conversation {
    const decoded = decodeGroupState(bytes, 0);
    if (!decoded || decoded[1] !== bytes.length) throw new CryptoError("malformed", "not a saved conversation state");
    return new Conversation({ ...decoded[0], clientConfig: clientConfig(trust) }, trust);
  }

  /** The state to keep in the device's (encrypted) local store. Holds secrets. */
  save(): Uint8Array {
    return encodeGroupState(this.state);
  }

  get groupId(): Uint8Array {
    return this.state.groupContext.groupId;
  }

  get epoch(): bigint {
    return this.state.groupContext.epoch;
  }

  get ownLeafIndex(): number {
    return this.state.privatePath.leafIndex;
  }

  get isActive(): boolean {
    return this.state.groupActiveState.kind === "active";
  }

  /** The same for every member in an epoch: a check that two devices see one group. */
  get epochAuthenticator(): Uint8Array {
    return this.state.keySchedule.epochAuthenticator;
  }

  members(): Member[] {
    const members: Member[] = [];
    for (let leaf = 0; leaf * 2 < this.state.ratchetTree.length; leaf++) {
      const member = memberOf(this.state, leaf);
      if (member) members.push(member);
    }
    return members;
  }

  /** One ciphertext for every device of the conversation. */
  async encrypt(plaintext: Uint8Array, authenticatedData?: Uint8Array): Promise<Uint8Array> {
    if (!this.isActive) throw new CryptoError("removed", "this device is no longer in the conversation");
    const result = await createApplicationMessage(this.state, plaintext, await cipherSuite(), authenticatedData);
    this.state = result.newState;
    return wire({ version: "mls10", wireformat: "mls_private_message", privateMessage: result.privateMessage });
  }

  /** Adds the devices of these key packages (each checked against the trust policy first). */
  async stageAdd(keyPackages: Uint8Array[]): Promise<StagedCommit> {
    const config = clientConfig(this.trust);
    const proposals: Proposal[] = [];
    const refs: string[] = [];
    for (const bytes of keyPackages) {
      const keyPackage = keyPackageFrom(bytes);
      const { signaturePublicKey, credential } = keyPackage.leafNode;
      if (!(await config.authService.validateCredential(credential, signaturePublicKey))) {
        throw new CryptoError("untrusted", "a key package whose device its account key did not sign");
      }
      proposals.push({ proposalType: "add", add: { keyPackage } });
      refs.push(await keyPackageRef(keyPackage));
    }
    return this.stage(proposals, refs);
  }

  /** Removes the devices matching `which` (a person's devices, or one device). */
  async stageRemove(which: (member: Member) => boolean): Promise<StagedCommit> {
    const proposals: Proposal[] = this.members()
      .filter((member) => member.leafIndex !== this.ownLeafIndex && which(member))
      .map((member) => ({ proposalType: "remove", remove: { removed: member.leafIndex } }));
    if (proposals.length === 0) throw new CryptoError("malformed", "no such member to remove");
    return this.stage(proposals, []);
  }

  /** A commit with a fresh path and nothing else: new keys for this device (post-compromise). */
  stageUpdate(): Promise<StagedCommit> {
    return this.stage([], []);
  }

  private async stage(proposals: Proposal[], welcomedRefs: string[]): Promise<StagedCommit> {
    if (!this.isActive) throw new CryptoError("removed", "this device is no longer in the conversation");
    const result = await createCommit(
      { state: this.state, cipherSuite: await cipherSuite() },
      { extraProposals: proposals, ratchetTreeExtension: true },
    ).catch((error: unknown) => {
      throw classify(error, "the commit could not be made");
    });
    return {
      commit: wire(result.commit),
      epoch: this.epoch,
      welcome: result.welcome
        ? wire({ version: "mls10", wireformat: "mls_welcome", welcome: result.welcome })
        : undefined,
      welcomedRefs,
      next: result.newState,
    };
  }

  /** Applies a staged commit once the delivery service accepted it at this epoch. */
  merge(staged: StagedCommit): void {
    if (staged.epoch !== this.epoch) throw new CryptoError("stale_epoch", "the commit was made at another epoch");
    this.state = staged.next;
  }

  /** Decrypts an application message or applies a commit or proposal from another member. */
  async receive(bytes: Uint8Array): Promise<Received> {
    const message = decodeOne(bytes);
    const cs = await cipherSuite();
    if (message.wireformat === "mls_private_message") {
      const pm = message.privateMessage;
      this.checkGroup(pm.groupId);
      if (pm.contentType === "application") return this.openApplication(pm);
      const before = this.epoch;
      if (pm.epoch !== before) throw new CryptoError("stale_epoch", `a handshake message for epoch ${pm.epoch}`);
      try {
        const result = await processPrivateMessage(this.state, pm, emptyPskIndex, cs);
        this.state = result.newState;
      } catch (error) {
        throw classify(error, "the handshake message did not apply");
      }
      return this.afterHandshake(pm.contentType, before);
    }
    if (message.wireformat === "mls_public_message") {
      const pm = message.publicMessage;
      this.checkGroup(pm.content.groupId);
      if (pm.content.contentType === "application")
        throw new CryptoError("malformed", "an unencrypted application message");
      const before = this.epoch;
      if (pm.content.epoch !== before)
        throw new CryptoError("stale_epoch", `a handshake message for epoch ${pm.content.epoch}`);
      try {
        this.state = (await processPublicMessage(this.state, pm, emptyPskIndex, cs)).newState;
      } catch (error) {
        throw classify(error, "the handshake message did not apply");
      }
      return this.afterHandshake(pm.content.contentType, before);
    }
    throw new CryptoError("malformed", `a ${message.wireformat} is not a conversation message`);
  }

  private afterHandshake(kind: "commit" | "proposal", epochBefore: bigint): Received {
    if (kind === "proposal") return { kind, epoch: this.epoch };
    return { kind: "commit", epoch: this.epoch, removedSelf: !this.isActive || this.epoch === epochBefore };
  }

  private checkGroup(groupId: Uint8Array) {
    if (!bytesEqual(groupId, this.groupId))
      throw new CryptoError("wrong_conversation", "a message for another conversation");
  }

  // ts-mls's processPrivateMessage does not say who sent an application message; the sender's
  // leaf comes out of the same unprotect step it runs, so we run that step ourselves.
  private async openApplication(pm: PrivateMessage): Promise<Received> {
    const cs = await cipherSuite();
    const current = pm.epoch === this.epoch;
    const receiver = current ? undefined : this.state.historicalReceiverData.get(pm.epoch);
    if (!current && !receiver) throw new CryptoError("stale_epoch", `no keys for epoch ${pm.epoch}`);
    const source = receiver ?? {
      senderDataSecret: this.state.keySchedule.senderDataSecret,
      secretTree: this.state.secretTree,
      ratchetTree: this.state.ratchetTree,
      groupContext: this.state.groupContext,
    };
    let result: Awaited<ReturnType<typeof unprotectPrivateMessage>>;
    try {
      result = await unprotectPrivateMessage(
        source.senderDataSecret,
        pm,
        source.secretTree,
        source.ratchetTree,
        source.groupContext,
        this.state.clientConfig.keyRetentionConfig,
        cs,
      );
    } catch (error) {
      throw classify(error, "the message did not decrypt");
    }
    const { content } = result.content;
    if (content.contentType !== "application" || content.sender.senderType !== "member") {
      throw new CryptoError("malformed", "not an application message from a member");
    }
    const sender = memberOf({ ...this.state, ratchetTree: source.ratchetTree }, content.sender.leafIndex);
    if (!sender) throw new CryptoError("untrusted", "a message from a leaf without a Parley credential");
    this.state = receiver
      ? {
          ...this.state,
          historicalReceiverData: new Map(this.state.historicalReceiverData).set(pm.epoch, {
            ...receiver,
            secretTree: result.tree,
          }),
        }
      : { ...this.state, secretTree: result.tree };
    return {
      kind: "application",
      plaintext: content.applicationData,
      sender,
      epoch: pm.epoch,
      authenticatedData: pm.authenticatedData,
    };
  }
}

/** What the delivery service checks of a published key package before it hands it out. */
export interface KeyPackageInfo {
  ref: string;
  signaturePublicKey: Uint8Array;
  credential: DeviceCredential;
}

/**
 * Decodes a key package and checks its own signature and its device certificate; throws a
 * CryptoError ("malformed" or "untrusted") for anything else. Reads no secret: servers use it.
 */
export async function readKeyPackage(bytes: Uint8Array): Promise<KeyPackageInfo> {
  const keyPackage = keyPackageFrom(bytes);
  const cs = await cipherSuite();
  if (keyPackage.cipherSuite !== CIPHERSUITE_NAME)
    throw new CryptoError("malformed", "a key package for another ciphersuite");
  const { signaturePublicKey } = keyPackage.leafNode;
  const credential = decodeCredential(keyPackage.leafNode.credential);
  if (!credential) throw new CryptoError("malformed", "a key package without a Parley device credential");
  if (!(await verifyKeyPackage(keyPackage, cs.signature))) {
    throw new CryptoError("untrusted", "a key package whose signature does not verify");
  }
  if (!(await verifyDeviceCertificate(credential, signaturePublicKey))) {
    throw new CryptoError("untrusted", "a key package whose device certificate does not verify");
  }
  return { ref: await keyPackageRef(keyPackage), signaturePublicKey, credential };
}

function keyPackageFrom(bytes: Uint8Array): KeyPackage {
  const message = decodeOne(bytes);
  if (message.wireformat !== "mls_key_package") throw new CryptoError("malformed", "not a key package");
  return message.keyPackage;
}

function classify(error: unknown, message: string): CryptoError {
  if (error instanceof CryptoError) return error;
  const name = error instanceof Error ? error.name : "";
  const detail = error instanceof Error ? `: ${error.message}` : "";
  if (/credential/i.test(detail)) return new CryptoError("untrusted", `${message}${detail}`, { cause: error });
  if (name === "CodecError") return new CryptoError("malformed", `${message}${detail}`, { cause: error });
  return new CryptoError("undecryptable", `${message}${detail}`, { cause: error });
}
