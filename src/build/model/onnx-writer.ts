/**
 * A minimal protobuf encoder for the few ONNX messages a static embedding graph needs (onnx/onnx.proto3):
 * ModelProto, GraphProto, NodeProto, AttributeProto, TensorProto, ValueInfoProto. Written for onnxruntime 1.14
 * (transformers.js 2.17): IR version 8, default-domain opset 13.
 */

class ProtoWriter {
  private chunks: Uint8Array[] = []
  private length = 0

  private push(bytes: Uint8Array): void {
    this.chunks.push(bytes)
    this.length += bytes.length
  }

  private varint(value: number): void {
    if (!Number.isSafeInteger(value) || value < 0) throw new Error(`varint: ${value} is not a non-negative safe integer`)
    const out: number[] = []
    let v = value
    while (v >= 0x80) {
      out.push((v % 0x80) | 0x80)
      v = Math.floor(v / 0x80)
    }
    out.push(v)
    this.push(Uint8Array.from(out))
  }

  private key(field: number, wireType: number): void {
    this.varint(field * 8 + wireType)
  }

  int(field: number, value: number): this {
    this.key(field, 0)
    this.varint(value)
    return this
  }

  bytes(field: number, value: Uint8Array): this {
    this.key(field, 2)
    this.varint(value.length)
    this.push(value)
    return this
  }

  string(field: number, value: string): this {
    return this.bytes(field, new TextEncoder().encode(value))
  }

  message(field: number, build: (w: ProtoWriter) => void): this {
    const inner = new ProtoWriter()
    build(inner)
    return this.bytes(field, inner.finish())
  }

  /** Packed repeated varints. */
  packed(field: number, values: readonly number[]): this {
    const inner = new ProtoWriter()
    for (const v of values) inner.varint(v)
    return this.bytes(field, inner.finish())
  }

  finish(): Uint8Array {
    const out = new Uint8Array(this.length)
    let offset = 0
    for (const c of this.chunks) {
      out.set(c, offset)
      offset += c.length
    }
    return out
  }
}

/** TensorProto.DataType */
export const OnnxType = { FLOAT: 1, UINT8: 2, INT8: 3, INT64: 7 } as const
export type OnnxTypeCode = (typeof OnnxType)[keyof typeof OnnxType]

export interface OnnxTensor {
  name: string
  type: OnnxTypeCode
  dims: number[]
  /** Little-endian raw bytes of the values. */
  raw: Uint8Array
}

export type OnnxAttribute = { name: string; int: number } | { name: string; ints: number[] }

export interface OnnxNode {
  op: string
  inputs: string[]
  outputs: string[]
  name: string
  attributes?: OnnxAttribute[]
}

export interface OnnxValueInfo {
  name: string
  type: OnnxTypeCode
  /** A number is a fixed size, a string a symbolic one (batch_size, sequence_length). */
  shape: (number | string)[]
}

export interface OnnxGraph {
  name: string
  nodes: OnnxNode[]
  initializers: OnnxTensor[]
  inputs: OnnxValueInfo[]
  outputs: OnnxValueInfo[]
}

function tensor(w: ProtoWriter, t: OnnxTensor): void {
  w.packed(1, t.dims).int(2, t.type).string(8, t.name).bytes(9, t.raw)
}

function valueInfo(w: ProtoWriter, v: OnnxValueInfo): void {
  w.string(1, v.name).message(2, (type) =>
    type.message(1, (tt) =>
      tt.int(1, v.type).message(2, (shape) => {
        for (const d of v.shape) shape.message(1, (dim) => (typeof d === 'number' ? dim.int(1, d) : dim.string(2, d)))
      }),
    ),
  )
}

function node(w: ProtoWriter, n: OnnxNode): void {
  for (const i of n.inputs) w.string(1, i)
  for (const o of n.outputs) w.string(2, o)
  w.string(3, n.name).string(4, n.op)
  for (const a of n.attributes ?? []) {
    w.message(5, (attr) => {
      attr.string(1, a.name)
      // AttributeProto.type: INT = 2, INTS = 7
      if ('int' in a) attr.int(3, a.int).int(20, 2)
      else attr.packed(8, a.ints).int(20, 7)
    })
  }
}

export function encodeOnnxModel(graph: OnnxGraph, options: { producer: string; producerVersion: string; docString?: string }): Uint8Array {
  const w = new ProtoWriter()
  w.int(1, 8) // ir_version
  w.string(2, options.producer).string(3, options.producerVersion)
  if (options.docString) w.string(6, options.docString)
  w.message(7, (g) => {
    for (const n of graph.nodes) g.message(1, (x) => node(x, n))
    g.string(2, graph.name)
    for (const t of graph.initializers) g.message(5, (x) => tensor(x, t))
    for (const v of graph.inputs) g.message(11, (x) => valueInfo(x, v))
    for (const v of graph.outputs) g.message(12, (x) => valueInfo(x, v))
  })
  w.message(8, (op) => op.string(1, '').int(2, 13)) // opset_import: default domain, opset 13
  return w.finish()
}

export function float32Raw(values: Float32Array | readonly number[]): Uint8Array {
  const arr = values instanceof Float32Array ? values : Float32Array.from(values)
  const out = new Uint8Array(arr.length * 4)
  const view = new DataView(out.buffer)
  for (let i = 0; i < arr.length; i++) view.setFloat32(i * 4, arr[i]!, true)
  return out
}

export function int64Raw(values: readonly number[]): Uint8Array {
  const out = new Uint8Array(values.length * 8)
  const view = new DataView(out.buffer)
  values.forEach((v, i) => view.setBigInt64(i * 8, BigInt(v), true))
  return out
}
