/**
 * Password hashes: bcrypt (bcryptjs, no native build), cost BCRYPT_COST. The same hash
 * serves the console users' passwords and ROOMCAST_ADMIN_PASSWORD_HASH (`roomcast
 * hash-password`). A user created without a password holds NO_PASSWORD, which no password
 * matches (verifyUser in @roomcast/chat treats a non-bcrypt value as unusable).
 */
import bcrypt from "bcryptjs";
import { parseInput, passwordInput } from "./inputs";

export const BCRYPT_COST = 12;
export const NO_PASSWORD = "!";

/** Validates (8–72 bytes; `ManageError("invalid")` otherwise) and hashes a password. */
export function hashPassword(password: unknown): Promise<string> {
  return bcrypt.hash(parseInput(passwordInput, password, "password"), BCRYPT_COST);
}
