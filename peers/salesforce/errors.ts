/**
 * Salesforce's REST error answers: a JSON array of `{message, errorCode, fields?}`. DML errors
 * (create/update/delete) carry `fields`; session, limit and query errors do not.
 */
export interface SalesforceErrorBody {
  message: string;
  errorCode: string;
  fields?: string[];
}

export class SalesforceError extends Error {
  constructor(
    readonly status: number,
    readonly errorCode: string,
    message: string,
    readonly fields?: string[],
  ) {
    super(message);
  }

  body(): SalesforceErrorBody[] {
    return [{ message: this.message, errorCode: this.errorCode, ...(this.fields ? { fields: this.fields } : {}) }];
  }
}

/** A DML error (400 unless said otherwise), with the fields it names. */
export const dmlError = (errorCode: string, message: string, fields: string[] = [], status = 400) =>
  new SalesforceError(status, errorCode, message, fields);

export const notFound = (message = "The requested resource does not exist") =>
  new SalesforceError(404, "NOT_FOUND", message);

export const entityIsDeleted = () => new SalesforceError(404, "ENTITY_IS_DELETED", "entity is deleted", []);

export const invalidSession = () => new SalesforceError(401, "INVALID_SESSION_ID", "Session expired or invalid");

export const requestLimitExceeded = () => new SalesforceError(403, "REQUEST_LIMIT_EXCEEDED", "TotalRequests Limit exceeded.");

export const jsonParserError = (message: string) => new SalesforceError(400, "JSON_PARSER_ERROR", message);
