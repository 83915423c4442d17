// Names from user programs end up as C++, CUDA, OpenCL and Verilog identifiers. They must be plain
// identifiers and must not collide with any of those languages' keywords or our own prefixes.

const KEYWORDS = new Set(`
alignas alignof and and_eq asm auto bitand bitor bool break case catch char char8_t char16_t char32_t
class compl concept const consteval constexpr constinit const_cast continue co_await co_return co_yield
decltype default delete do double dynamic_cast else enum explicit export extern false float for friend
goto if inline int long mutable namespace new noexcept not not_eq nullptr operator or or_eq private
protected public register reinterpret_cast requires return short signed sizeof static static_assert
static_cast struct switch template this thread_local throw true try typedef typeid typename union
unsigned using virtual void volatile wchar_t while xor xor_eq restrict _Bool _Complex _Imaginary
__kernel kernel __global global __local local __constant constant __private private read_only
write_only read_write image1d_t image2d_t image3d_t sampler_t event_t half uchar ushort uint ulong
size_t ptrdiff_t intptr_t uintptr_t channel pipe
float2 float3 float4 float8 float16 double2 double3 double4 double8 double16 autorun
read_channel_intel write_channel_intel read_channel_nb_intel write_channel_nb_intel get_compute_id
always always_comb always_ff always_latch assign automatic begin bit buf byte cell cmos config deassign
defparam design disable edge end endcase endconfig endfunction endgenerate endmodule endprimitive
endspecify endtable endtask event for force forever fork function generate genvar highz0 highz1 ifnone
incdir include initial inout input instance integer join large liblist library localparam logic
macromodule medium module nand negedge nmos nor noshowcancelled notif0 notif1 or output parameter pmos
posedge primitive pull0 pull1 pulldown pullup pulsestyle_onevent pulsestyle_ondetect rcmos real realtime
reg release repeat rnmos rpmos rtran rtranif0 rtranif1 scalared showcancelled signed small specify
specparam strong0 strong1 supply0 supply1 table task time tran tranif0 tranif1 tri tri0 tri1 triand
trior trireg unsigned use uwire vectored wait wand weak0 weak1 wire wor xnor shortreal string
main top std hls ap_uint ap_int vec
threadIdx blockIdx blockDim gridDim warpSize dim3 char1 char2 char3 char4 uchar1 uchar2 uchar3 uchar4 short1 short2 short3 short4 ushort1 ushort2 ushort3 ushort4 int1 int2 int3 int4 uint1 uint2 uint3 uint4 long1 long2 long3 long4 ulong1 ulong2 ulong3 ulong4 longlong1 longlong2 longlong3 longlong4 ulonglong1 ulonglong2 ulonglong3 ulonglong4 float1 float2 float3 float4 double1 double2 double3 double4
sqrt exp log sin cos tan fabs abs floor ceil min max pow
i j k
`.split(/\s+/).filter((s) => s.length > 0));

/** The longest name generated code takes. */
export const MAX_NAME_LENGTH = 64;

/** Why `name` cannot be used in generated code, or null if it can. */
export function nameProblem(name: string): string | null {
  if (name.length === 0) return "a name must not be empty";
  if (!/^[A-Za-z][A-Za-z0-9_]*$/.test(name)) {
    return `'${name}' is not a safe identifier (letters, digits and '_', starting with a letter)`;
  }
  if (name.includes("__")) return `'${name}' contains '__', which C++ reserves`;
  if (name.endsWith("_")) return `'${name}' ends with '_', which generated code reserves for its own names`;
  if (KEYWORDS.has(name)) return `'${name}' is a C/C++/OpenCL/Verilog keyword or a reserved name`;
  if (/^sdfg_/.test(name)) return `'${name}' uses the prefix 'sdfg_', which generated code reserves`;
  if (/^cuda[A-Z_]/.test(name)) return `'${name}' uses the prefix 'cuda', which the CUDA runtime reserves`;
  if (name.length > MAX_NAME_LENGTH) return `'${name}' is longer than ${MAX_NAME_LENGTH} characters`;
  return null;
}
