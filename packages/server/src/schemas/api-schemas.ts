import { Type, type Static, type TSchema } from "typebox";

/** `{ code, message, field? }`: every error answer (see the errors table of the README). */
export const ErrorBody: Type.TObject<{
    code: Type.TString;
    message: Type.TString;
    field: Type.TOptional<Type.TString>;
}> = Type.Object(
  {
    code: Type.String({ description: "Stable code, e.g. INVALID_CURSOR; ERROR_STATUS of @rdg/model lists every code" }),
    message: Type.String({ description: "What is wrong and what to change" }),
    field: Type.Optional(Type.String({ description: "The request field at fault, e.g. querystring.limit" })),
  },
  { additionalProperties: false },
);
export type ErrorBody = Static<typeof ErrorBody>;

const Name = Type.String({ minLength: 1, maxLength: 128 });
const Id = Type.String({ description: "A node id: 1 to 256 UTF-8 bytes, no control characters" });
const Millis = Type.Integer({ minimum: 0, description: "Milliseconds since the epoch" });
const Direction = Type.Union([Type.Literal("out"), Type.Literal("in")], { description: "out: from the edge's from end; in: from its to end. Default out (in for an inverse name)" });
const Props = Type.Record(Type.String(), Type.Unknown(), { description: "Properties by name" });

export const NodeRef: Type.TObject<{
    type: Type.TString;
    id: Type.TString;
}> = Type.Object({ type: Name, id: Id }, { additionalProperties: false });

export const Node: Type.TObject<{
    type: Type.TString;
    id: Type.TString;
    props: Type.TRecord<"^.*$", Type.TUnknown>;
    updatedAt: Type.TInteger;
}> = Type.Object({
  type: Type.String(),
  id: Type.String(),
  props: Props,
  updatedAt: Type.Integer({ description: "Newest write time among the node's properties (ms)" }),
});
export type NodeBody = Static<typeof Node>;

export const Edge: Type.TObject<{
    type: Type.TString;
    from: Type.TString;
    to: Type.TString;
    other: Type.TString;
    time: Type.TInteger;
    props: Type.TRecord<"^.*$", Type.TUnknown>;
}> = Type.Object({
  type: Type.String({ description: "The edge type (never the inverse name)" }),
  from: Type.String(),
  to: Type.String(),
  other: Type.String({ description: "The end that is not the node asked about" }),
  time: Type.Integer({ description: "Event time of the edge's last update (ms)" }),
  props: Props,
});

export const NodeParams: Type.TObject<{
    type: Type.TString;
    id: Type.TString;
}> = Type.Object({ type: Name, id: Id }, { additionalProperties: false });
export const EdgeParams: Type.TObject<{
    type: Type.TString;
    id: Type.TString;
    edgeType: Type.TString;
}> = Type.Object({ type: Name, id: Id, edgeType: Name }, { additionalProperties: false });
export const TopicParams: Type.TObject<{
    topic: Type.TString;
}> = Type.Object({ topic: Name }, { additionalProperties: false });

export const EdgesQuery: Type.TObject<{
    direction: Type.TOptional<Type.TUnion<[Type.TLiteral<"out">, Type.TLiteral<"in">]>>;
    limit: Type.TOptional<Type.TInteger>;
    order: Type.TOptional<Type.TUnion<[Type.TLiteral<"latest">, Type.TLiteral<"any">]>>;
    since: Type.TOptional<Type.TInteger>;
    until: Type.TOptional<Type.TInteger>;
    cursor: Type.TOptional<Type.TString>;
}> = Type.Object(
  {
    direction: Type.Optional(Direction),
    limit: Type.Optional(Type.Integer({ minimum: 1, description: "Edges in the page; default and most: the server's defaultPageSize and maxPageSize" })),
    order: Type.Optional(Type.Union([Type.Literal("latest"), Type.Literal("any")], { description: "latest: newest first (default); any: storage order" })),
    since: Type.Optional(Millis),
    until: Type.Optional(Millis),
    cursor: Type.Optional(Type.String({ minLength: 1, maxLength: 4096, description: "The previous page's next, unchanged" })),
  },
  { additionalProperties: false },
);
export type EdgesQuery = Static<typeof EdgesQuery>;

export const CountQuery: Type.TObject<{
    direction: Type.TOptional<Type.TUnion<[Type.TLiteral<"out">, Type.TLiteral<"in">]>>;
    since: Type.TOptional<Type.TInteger>;
    until: Type.TOptional<Type.TInteger>;
    verify: Type.TOptional<Type.TBoolean>;
}> = Type.Object(
  {
    direction: Type.Optional(Direction),
    since: Type.Optional(Millis),
    until: Type.Optional(Millis),
    verify: Type.Optional(Type.Boolean({ description: "Check every edge (exact with several writer processes; costs in proportion to the edges)" })),
  },
  { additionalProperties: false },
);
export type CountQuery = Static<typeof CountQuery>;

export const EdgesPage: Type.TObject<{
    node: Type.TObject<{
        type: Type.TString;
        id: Type.TString;
    }>;
    edgeType: Type.TString;
    direction: Type.TUnion<[Type.TLiteral<"out">, Type.TLiteral<"in">]>;
    otherType: Type.TString;
    edges: Type.TArray<Type.TObject<{
        type: Type.TString;
        from: Type.TString;
        to: Type.TString;
        other: Type.TString;
        time: Type.TInteger;
        props: Type.TRecord<"^.*$", Type.TUnknown>;
    }>>;
    next: Type.TUnion<[Type.TString, Type.TNull]>;
}> = Type.Object({
  node: NodeRef,
  edgeType: Type.String(),
  direction: Direction,
  otherType: Type.String({ description: "The node type of the other ends" }),
  edges: Type.Array(Edge),
  next: Type.Union([Type.String(), Type.Null()], { description: "Pass as cursor for the next page; null on the last page" }),
});
export type EdgesPage = Static<typeof EdgesPage>;

export const EdgeCountBody: Type.TObject<{
    node: Type.TObject<{
        type: Type.TString;
        id: Type.TString;
    }>;
    edgeType: Type.TString;
    direction: Type.TUnion<[Type.TLiteral<"out">, Type.TLiteral<"in">]>;
    count: Type.TInteger;
    verified: Type.TBoolean;
}> = Type.Object({
  node: NodeRef,
  edgeType: Type.String(),
  direction: Direction,
  count: Type.Integer(),
  verified: Type.Boolean(),
});

export const BatchBody: Type.TObject<{
    nodes: Type.TArray<Type.TObject<{
        type: Type.TString;
        id: Type.TString;
    }>>;
}> = Type.Object({ nodes: Type.Array(NodeRef, { description: "At most the server's maxBatchSize" }) }, { additionalProperties: false });
export const BatchAnswer: Type.TObject<{
    nodes: Type.TArray<Type.TUnion<[Type.TObject<{
        type: Type.TString;
        id: Type.TString;
        props: Type.TRecord<"^.*$", Type.TUnknown>;
        updatedAt: Type.TInteger;
    }>, Type.TNull]>>;
}> = Type.Object({ nodes: Type.Array(Type.Union([Node, Type.Null()]), { description: "In the order asked; null where a node does not exist" }) });

const Condition = Type.Union([
  Type.String(),
  Type.Number(),
  Type.Boolean(),
  Type.Object(
    {
      gt: Type.Optional(Type.Number()),
      gte: Type.Optional(Type.Number()),
      lt: Type.Optional(Type.Number()),
      lte: Type.Optional(Type.Number()),
      in: Type.Optional(Type.Array(Type.Union([Type.String(), Type.Number(), Type.Boolean()]))),
    },
    { additionalProperties: false },
  ),
]);
const Conditions = (description: string) => Type.Record(Type.String({ minLength: 1 }), Condition, { description: `${description}: property name to a value to equal, or { gt, gte, lt, lte, in }; all must hold` });

export const TraverseStep: Type.TObject<{
    edgeType: Type.TString;
    direction: Type.TOptional<Type.TUnion<[Type.TLiteral<"out">, Type.TLiteral<"in">]>>;
    limit: Type.TOptional<Type.TInteger>;
    since: Type.TOptional<Type.TInteger>;
    until: Type.TOptional<Type.TInteger>;
    where: Type.TOptional<Type.TRecord<"^.*$", Type.TUnion<[Type.TString, Type.TNumber, Type.TBoolean, Type.TObject<{
        gt: Type.TOptional<Type.TNumber>;
        gte: Type.TOptional<Type.TNumber>;
        lt: Type.TOptional<Type.TNumber>;
        lte: Type.TOptional<Type.TNumber>;
        in: Type.TOptional<Type.TArray<Type.TUnion<[Type.TString, Type.TNumber, Type.TBoolean]>>>;
    }>]>>>;
    filter: Type.TOptional<Type.TRecord<"^.*$", Type.TUnion<[Type.TString, Type.TNumber, Type.TBoolean, Type.TObject<{
        gt: Type.TOptional<Type.TNumber>;
        gte: Type.TOptional<Type.TNumber>;
        lt: Type.TOptional<Type.TNumber>;
        lte: Type.TOptional<Type.TNumber>;
        in: Type.TOptional<Type.TArray<Type.TUnion<[Type.TString, Type.TNumber, Type.TBoolean]>>>;
    }>]>>>;
}> = Type.Object(
  {
    edgeType: Name,
    direction: Type.Optional(Direction),
    limit: Type.Optional(Type.Integer({ minimum: 1, description: "Edges read per node at this step; default defaultFanOut, most maxFanOut" })),
    since: Type.Optional(Millis),
    until: Type.Optional(Millis),
    where: Type.Optional(Conditions("Conditions on the edge's properties")),
    filter: Type.Optional(Conditions("Conditions on the properties of the node at the other end")),
  },
  { additionalProperties: false },
);
export type TraverseStep = Static<typeof TraverseStep>;

export const TraverseBody: Type.TObject<{
    start: Type.TObject<{
        type: Type.TString;
        id: Type.TString;
    }>;
    steps: Type.TArray<Type.TObject<{
        edgeType: Type.TString;
        direction: Type.TOptional<Type.TUnion<[Type.TLiteral<"out">, Type.TLiteral<"in">]>>;
        limit: Type.TOptional<Type.TInteger>;
        since: Type.TOptional<Type.TInteger>;
        until: Type.TOptional<Type.TInteger>;
        where: Type.TOptional<Type.TRecord<"^.*$", Type.TUnion<[Type.TString, Type.TNumber, Type.TBoolean, Type.TObject<{
            gt: Type.TOptional<Type.TNumber>;
            gte: Type.TOptional<Type.TNumber>;
            lt: Type.TOptional<Type.TNumber>;
            lte: Type.TOptional<Type.TNumber>;
            in: Type.TOptional<Type.TArray<Type.TUnion<[Type.TString, Type.TNumber, Type.TBoolean]>>>;
        }>]>>>;
        filter: Type.TOptional<Type.TRecord<"^.*$", Type.TUnion<[Type.TString, Type.TNumber, Type.TBoolean, Type.TObject<{
            gt: Type.TOptional<Type.TNumber>;
            gte: Type.TOptional<Type.TNumber>;
            lt: Type.TOptional<Type.TNumber>;
            lte: Type.TOptional<Type.TNumber>;
            in: Type.TOptional<Type.TArray<Type.TUnion<[Type.TString, Type.TNumber, Type.TBoolean]>>>;
        }>]>>>;
    }>>;
    limit: Type.TOptional<Type.TInteger>;
    deadlineMs: Type.TOptional<Type.TInteger>;
}> = Type.Object(
  {
    start: NodeRef,
    steps: Type.Array(TraverseStep, { minItems: 1, description: "1 to maxHops steps, each starting where the previous one ends" }),
    limit: Type.Optional(Type.Integer({ minimum: 1, description: "Most edges over all steps; default and most: maxTraversalEdges" })),
    deadlineMs: Type.Optional(Type.Integer({ minimum: 1, description: "Time budget; default and most: traversalDeadlineMs" })),
  },
  { additionalProperties: false },
);
export type TraverseBody = Static<typeof TraverseBody>;

export const TraverseAnswer: Type.TObject<{
    partial: Type.TBoolean;
    reason: Type.TOptional<Type.TUnion<[Type.TLiteral<"deadline">, Type.TLiteral<"limit">, Type.TLiteral<"frontier">]>>;
    elapsedMs: Type.TNumber;
    levels: Type.TArray<Type.TObject<{
        depth: Type.TInteger;
        edgeType: Type.TString;
        nodeType: Type.TString;
        nodes: Type.TArray<Type.TString>;
        edges: Type.TArray<Type.TObject<{
            type: Type.TString;
            from: Type.TString;
            to: Type.TString;
            other: Type.TString;
            time: Type.TInteger;
            props: Type.TRecord<"^.*$", Type.TUnknown>;
        }>>;
    }>>;
}> = Type.Object({
  partial: Type.Boolean({ description: "True when the deadline, the overall limit or the frontier bound cut the traversal short" }),
  reason: Type.Optional(Type.Union([Type.Literal("deadline"), Type.Literal("limit"), Type.Literal("frontier")])),
  elapsedMs: Type.Number(),
  levels: Type.Array(
    Type.Object({
      depth: Type.Integer(),
      edgeType: Type.String(),
      nodeType: Type.String({ description: "Type of the nodes reached at this depth" }),
      nodes: Type.Array(Type.String(), { description: "Ids first reached at this depth" }),
      edges: Type.Array(Edge),
    }),
  ),
});
export type TraverseAnswer = Static<typeof TraverseAnswer>;

export const EventsBody: Type.TObject<{
    events: Type.TArray<Type.TUnknown>;
}> = Type.Object({ events: Type.Array(Type.Unknown(), { description: "At most maxBatchSize events of the topic" }) }, { additionalProperties: false });
export const EventsAnswer: Type.TObject<{
    topic: Type.TString;
    applied: Type.TInteger;
    mutations: Type.TInteger;
    rejected: Type.TArray<Type.TObject<{
        index: Type.TInteger;
        code: Type.TString;
        reason: Type.TString;
    }>>;
}> = Type.Object({
  topic: Type.String(),
  applied: Type.Integer({ description: "Events whose mutations were written" }),
  mutations: Type.Integer({ description: "Mutations written" }),
  rejected: Type.Array(Type.Object({ index: Type.Integer(), code: Type.String(), reason: Type.String() })),
});
export type EventsAnswer = Static<typeof EventsAnswer>;

export const StatusBody: Type.TObject<{
    status: Type.TString;
    store: Type.TOptional<Type.TString>;
}> = Type.Object({ status: Type.String(), store: Type.Optional(Type.String()) });

/** Error answers every route documents. */
export function withErrors<R extends Record<number, TSchema>>(responses: R): R & { "4xx": typeof ErrorBody; "5xx": typeof ErrorBody } {
  return { ...responses, "4xx": ErrorBody, "5xx": ErrorBody };
}
