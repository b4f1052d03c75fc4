import type { RootOperationNode } from "kysely";

/**
 * What a statement queryStream ran does, told from its syntax tree: "walk" (in index order, or
 * within a window of the stream), "estimate" (the planner's count of the matches: EXPLAIN, nothing
 * read) or "all matches" (collected through their own indexes and sorted; stream-repo writes that
 * order as `column + interval '0 seconds'` so that no index provides it). For the tests and the
 * bench that check which shape a page took.
 */
export type StreamStatement = "walk" | "estimate" | "all matches";

export function streamStatementKind(node: RootOperationNode): StreamStatement {
  const text = JSON.stringify(node);
  return text.includes('"ExplainNode"') ? "estimate" : text.includes("interval '0 seconds'") ? "all matches" : "walk";
}
