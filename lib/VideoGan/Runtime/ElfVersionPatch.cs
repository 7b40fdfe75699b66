using System.Buffers.Binary;
using System.Text;

namespace VideoGan.Runtime;

/// <summary>
/// Reads and edits the symbol-version requirements (<c>.gnu.version_r</c>, "Verneed") of a 64-bit little-endian
/// ELF shared library.
/// </summary>
/// <remarks>
/// Why: TorchSharp 0.107's <c>libLibTorchSharp.so</c> was linked by GCC 13 and requires <c>GLIBCXX_3.4.32</c>,
/// which Debian 12's libstdc++ lacks, so the dynamic loader refuses it. The only symbol of that version it uses is
/// <c>std::ios_base_library_init</c>, a marker without a relocation; marking the requirement weak
/// (<c>VER_FLG_WEAK</c>) lets glibc load the library. Taught in <c>notebooks/00-getting-started.ipynb</c>.
/// </remarks>
public static class ElfVersionPatch
{
    const uint ShtGnuVerneed = 0x6ffffffe;
    /// <summary>ELF <c>VER_FLG_WEAK</c>: a missing version is a warning, not an error.</summary>
    public const ushort VerFlagWeak = 0x2;

    /// <summary>One version a library requires from one of its dependencies.</summary>
    public sealed record VersionNeed(string File, string Version, ushort Flags, long FlagsOffset)
    {
        public bool IsWeak => (Flags & VerFlagWeak) != 0;
    }

    /// <summary>Lists every (dependency, version) requirement of an ELF image.</summary>
    public static IReadOnlyList<VersionNeed> ReadVersionNeeds(ReadOnlySpan<byte> elf, string nameForErrors = "ELF image")
    {
        if (elf.Length < 64 || elf[0] != 0x7f || elf[1] != (byte)'E' || elf[2] != (byte)'L' || elf[3] != (byte)'F')
            throw new InvalidDataException($"{nameForErrors} is not an ELF file (bad magic).");
        if (elf[4] != 2 || elf[5] != 1)
            throw new InvalidDataException($"{nameForErrors} is not a 64-bit little-endian ELF file.");

        long shoff = (long)U64(elf, 0x28);
        int shentsize = U16(elf, 0x3A), shnum = U16(elf, 0x3C);
        if (shoff <= 0 || shentsize < 64 || shoff + (long)shnum * shentsize > elf.Length)
            throw new InvalidDataException($"{nameForErrors} has a truncated or missing section header table.");

        var result = new List<VersionNeed>();
        for (int i = 0; i < shnum; i++)
        {
            int sh = checked((int)(shoff + (long)i * shentsize));
            if (U32(elf, sh + 4) != ShtGnuVerneed) continue;
            long offset = (long)U64(elf, sh + 0x18);
            int link = (int)U32(elf, sh + 0x28);
            uint count = U32(elf, sh + 0x2C); // sh_info = number of Verneed entries
            int strSh = checked((int)(shoff + (long)link * shentsize));
            long strOffset = (long)U64(elf, strSh + 0x18);

            long vn = offset;
            for (uint n = 0; n < count; n++)
            {
                ushort auxCount = U16(elf, (int)vn + 2);
                string file = CString(elf, strOffset + U32(elf, (int)vn + 4));
                long aux = vn + U32(elf, (int)vn + 8);
                for (int a = 0; a < auxCount; a++)
                {
                    ushort flags = U16(elf, (int)aux + 4);
                    string version = CString(elf, strOffset + U32(elf, (int)aux + 8));
                    result.Add(new VersionNeed(file, version, flags, aux + 4));
                    uint next = U32(elf, (int)aux + 12);
                    if (next == 0) break;
                    aux += next;
                }
                uint vnNext = U32(elf, (int)vn + 12);
                if (vnNext == 0) break;
                vn += vnNext;
            }
        }
        return result;
    }

    /// <summary>Marks the requirement of <paramref name="version"/> weak in place; returns how many entries changed.</summary>
    public static int MarkWeak(Span<byte> elf, string version, string nameForErrors = "ELF image")
    {
        int changed = 0;
        foreach (var need in ReadVersionNeeds(elf, nameForErrors))
        {
            if (need.Version != version || need.IsWeak) continue;
            BinaryPrimitives.WriteUInt16LittleEndian(elf.Slice((int)need.FlagsOffset, 2), (ushort)(need.Flags | VerFlagWeak));
            changed++;
        }
        return changed;
    }

    static ushort U16(ReadOnlySpan<byte> b, int at) => BinaryPrimitives.ReadUInt16LittleEndian(b.Slice(at, 2));
    static uint U32(ReadOnlySpan<byte> b, int at) => BinaryPrimitives.ReadUInt32LittleEndian(b.Slice(at, 4));
    static ulong U64(ReadOnlySpan<byte> b, int at) => BinaryPrimitives.ReadUInt64LittleEndian(b.Slice(at, 8));

    static string CString(ReadOnlySpan<byte> b, long at)
    {
        var rest = b.Slice(checked((int)at));
        int end = rest.IndexOf((byte)0);
        return Encoding.ASCII.GetString(end < 0 ? rest : rest[..end]);
    }
}
