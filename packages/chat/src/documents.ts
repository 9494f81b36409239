/**
 * Document processing status: the processor (a back-end service) reports each step, and
 * the row change and its `document:status` event on `documents:<id>` commit together.
 * The first report creates the document.
 */
import { publish, type Db, type PublishedEvent } from "@roomcast/db";
import { DOCUMENT_STATUS, type DocumentStatus, type DocumentStatusData } from "@roomcast/protocol";
import { ChatError } from "./chat-error";

export interface DocumentReport {
  tenant: string;
  id: string;
  /** Required when the document does not exist yet. */
  name?: string | undefined;
  status: DocumentStatus;
  progress: number;
  source: string;
}

export async function reportDocumentStatus(db: Db, report: DocumentReport): Promise<{ document: DocumentStatusData; event: PublishedEvent }> {
  if (!Number.isInteger(report.progress) || report.progress < 0 || report.progress > 100) {
    throw new ChatError("invalid", "progress must be an integer from 0 to 100");
  }
  return db.prisma.$transaction(async (tx) => {
    const existing = await tx.document.findFirst({ where: { id: report.id } });
    if (existing !== null && existing.tenantId !== report.tenant) throw new ChatError("forbidden", "the document belongs to another tenant");
    const name = report.name ?? existing?.name;
    if (name === undefined) throw new ChatError("invalid", "name is required for a new document");
    const row = await tx.document.upsert({
      where: { id: report.id },
      create: { id: report.id, tenantId: report.tenant, name, status: report.status, progress: report.progress },
      update: { name, status: report.status, progress: report.progress, updatedAt: new Date() },
    });
    const document: DocumentStatusData = { id: row.id, name: row.name, status: report.status, progress: row.progress };
    const event = await publish(tx, {
      tenant: report.tenant,
      channel: "documents",
      topic: row.id,
      type: DOCUMENT_STATUS,
      data: document,
      source: report.source,
    });
    return { document, event };
  });
}
