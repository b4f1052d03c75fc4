import SwaggerParser from "@apidevtools/swagger-parser";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { OPERATIONS, TAGS } from "../src/http/operation-ids.js";
import { startTestServer, type TestServer } from "./support/harness.js";

/**
 * The API as others consume it: every operation has an operationId (SDK generators name methods
 * from it) and one tag (the docs group by it), no two share an operationId, and the whole
 * document is valid OpenAPI 3 (swagger-parser checks it against the specification's JSON schema
 * and also checks what a schema cannot: unique operationIds, declared path parameters, $refs).
 * The server runs with the test clock, so its routes are in the document too.
 */
describe("the OpenAPI document", () => {
  let server: TestServer;
  let doc: any;
  beforeAll(async () => {
    server = await startTestServer({ name: "pglite" });
    doc = await (await fetch(`${server.url}/api/openapi.json`)).json();
  });
  afterAll(async () => server?.close());

  const operations = () =>
    Object.entries<Record<string, any>>(doc.paths).flatMap(([path, ops]) =>
      Object.entries(ops).filter(([m]) => ["get", "put", "post", "patch", "delete"].includes(m)).map(([method, op]) => ({ key: `${method.toUpperCase()} ${path}`, op })),
    );

  it("gives every operation an operationId and one declared tag, none shared", () => {
    const ops = operations();
    expect(ops.length).toBeGreaterThan(70);
    const declared = new Set(doc.tags.map((t: { name: string }) => t.name));
    const missing = ops.filter(({ op }) => !op.operationId).map((o) => o.key);
    expect(missing, "operations without an operationId: add them to src/http/operation-ids.ts").toEqual([]);
    const badTags = ops.filter(({ op }) => op.tags?.length !== 1 || !declared.has(op.tags[0])).map((o) => `${o.key} ${JSON.stringify(o.op.tags)}`);
    expect(badTags).toEqual([]);
    const ids = ops.map(({ op }) => op.operationId);
    expect(ids.filter((id, i) => ids.indexOf(id) !== i), "operationIds used twice").toEqual([]);
    for (const { op } of ops) expect(op.operationId).toMatch(/^[a-z][A-Za-z]+$/);
  });

  it("has no table entry that names no route, and no tag without operations", () => {
    const documented = new Set(operations().map(({ key }) => key.replace(/\{(\w+)\}/g, ":$1")));
    expect(Object.keys(OPERATIONS).filter((k) => !documented.has(k))).toEqual([]);
    const used = new Set(operations().map(({ op }) => op.tags[0]));
    expect(TAGS.map((t) => t.name).filter((t) => !used.has(t))).toEqual([]);
    expect(new Set(Object.values(OPERATIONS).map((o) => o.id)).size).toBe(Object.keys(OPERATIONS).length);
  });

  it("declares every path parameter it uses (swagger-parser checks this for Swagger 2 only)", () => {
    for (const [path, ops] of Object.entries<Record<string, any>>(doc.paths)) {
      const inPath = [...path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();
      for (const [method, op] of Object.entries<any>(ops)) {
        const declared = (op.parameters ?? []).filter((p: any) => p.in === "path").map((p: any) => p.name).sort();
        expect(declared, `${method} ${path}`).toEqual(inPath);
      }
    }
  });

  it("passes an OpenAPI 3 validator", async () => {
    expect(doc.openapi).toMatch(/^3\./);
    await expect(SwaggerParser.validate(structuredClone(doc))).resolves.toBeTruthy();
  });

  it("documents the docs' grouping: each tag once, in the table's order", () => {
    expect(doc.tags.map((t: { name: string }) => t.name)).toEqual(TAGS.map((t) => t.name));
  });
});
