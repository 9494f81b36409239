/** The Prisma client types the queries of this package accept. */
import type { Prisma, PrismaClient } from "./generated/prisma/client";

/** The client Prisma hands to an interactive transaction's callback. */
export type DbTransaction = Prisma.TransactionClient;
/** Either a client or a transaction: for queries that need no transaction of their own. */
export type DbClient = PrismaClient | Prisma.TransactionClient;
