/**
 * @roomcast/chat: the product domain on top of the outbox — chat sessions and messages,
 * notifications, document status, the analytics job, and the seed of development tenants.
 * Every write commits its events in the same transaction (see chat-write.ts).
 */
export { ChatError } from "./chat-error";
export { assertSessionAccess, STAFF_ROLES } from "./access";
export { chatWrite, CHAT_SOURCE } from "./chat-write";
export { computeMetrics } from "./metrics";
export { startSession, assignSession, endSession, type StartSessionInput } from "./sessions";
export { postMessage, type PostMessageInput, type PostedMessage } from "./messages";
export { listSessions, getSession, metricsSnapshot, isChatStatus, MAX_LIST, MAX_TRANSCRIPT } from "./queries";
export { sendNotification, type NotificationInput } from "./notifications";
export { reportDocumentStatus, type DocumentReport } from "./documents";
export { createAnalyticsJob, ANALYTICS_JOB, type AnalyticsJob, type AnalyticsJobDeps } from "./analytics-job";
export { seedDemo, seedTenant, verifyUser, DEMO_TENANT, DEMO_WIDGET_KEY, DEMO_PASSWORD, DEMO_IDENTITY_SECRET, DEMO_USERS, type SeedTenant, type SeedUser } from "./seed";
export { newId } from "./ids";
export { pickAgent, routeNewSession } from "./routing";
export { transferSession, transferDecision, normaliseNote, type TransferInput } from "./transfer";
export { markRead, readMarkers } from "./reads";
export { chatSettings, setChatRouting } from "./settings";
export { createCannedReply, updateCannedReply, deleteCannedReply, listCannedReplies, parseCannedReply, type CannedReplyInput } from "./canned-replies";
export { checkIdentity, identityHash, identifyVisitor, resolveVisitor, visitorHistory, MAX_HISTORY, type IdentityCheck, type VisitorFields } from "./visitor-context";
