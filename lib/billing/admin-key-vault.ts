/**
 * A billing source's admin key at rest: AES-256-GCM under a key derived (HKDF-SHA256) from the
 * server's AUTH_SECRET, with the source's team and id as associated data, so a ciphertext copied
 * to another row or team does not decrypt. Losing AUTH_SECRET means re-entering the keys, never
 * reading them back. The plain key exists only in memory during a sync.
 */
import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from "node:crypto";
import { authSecret } from "@/lib/auth/secret";

const VERSION = "v1";
const IV_BYTES = 12;
const TAG_BYTES = 16;

function vaultKey(): Buffer {
  return Buffer.from(hkdfSync("sha256", authSecret(), "token-robin-hood", "billing-source-admin-key/v1", 32));
}

function associatedData(owner: { teamId: string; sourceId: string }): Buffer {
  return Buffer.from(`${owner.teamId}/${owner.sourceId}`, "utf8");
}

export function encryptAdminKey(adminKey: string, owner: { teamId: string; sourceId: string }): string {
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv("aes-256-gcm", vaultKey(), iv);
  cipher.setAAD(associatedData(owner));
  const ciphertext = Buffer.concat([cipher.update(adminKey, "utf8"), cipher.final()]);
  return `${VERSION}:${Buffer.concat([iv, cipher.getAuthTag(), ciphertext]).toString("base64")}`;
}

export class AdminKeyUnreadableError extends Error {
  constructor() {
    super("the stored admin key cannot be decrypted (AUTH_SECRET changed?): enter the key again");
  }
}

export function decryptAdminKey(stored: string, owner: { teamId: string; sourceId: string }): string {
  const [version, payload] = stored.split(":", 2);
  if (version !== VERSION || !payload) throw new AdminKeyUnreadableError();
  const bytes = Buffer.from(payload, "base64");
  try {
    const decipher = createDecipheriv("aes-256-gcm", vaultKey(), bytes.subarray(0, IV_BYTES));
    decipher.setAAD(associatedData(owner));
    decipher.setAuthTag(bytes.subarray(IV_BYTES, IV_BYTES + TAG_BYTES));
    return Buffer.concat([decipher.update(bytes.subarray(IV_BYTES + TAG_BYTES)), decipher.final()]).toString("utf8");
  } catch {
    throw new AdminKeyUnreadableError();
  }
}
