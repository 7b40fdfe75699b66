using TorchSharp;
using static TorchSharp.torch;

namespace VideoGan.Runtime;

/// <summary>
/// Scalars that live as long as the process, and tensor arithmetic that uses them, for the library's hot paths.
/// </summary>
/// <remarks>
/// TorchSharp 0.107 hands a <see cref="Scalar"/>'s native handle to libtorch without keeping the .NET object alive
/// (no <c>GC.KeepAlive</c>, no SafeHandle). A Scalar made by an implicit conversion (<c>t * 0.5</c>,
/// <c>t.clamp_min(0.0)</c>, and the <c>alpha = 1</c> that <c>a + b</c> and <c>a - b</c> create inside TorchSharp)
/// is garbage as soon as its handle is read, so a garbage collection during the native call can finalise it and free
/// the native value the call is reading: libtorch then fails with "Expected false to be true ... toDouble
/// (c10/core/Scalar.h)" or "alpha must not be a floating point number", or computes with a wrong value. Frequent
/// collections (notebook kernels, long runs) make it likely. The cure is at the call site: pass a Scalar that is
/// reachable until the call returns, either one of these process-lifetime constants or a local in a
/// <c>using var s = x.ToScalar();</c> whose disposal after the call keeps it alive. Tested under forced collections in
/// <c>tests/VideoGan.Tests/Runtime/ScalarLifetimeTests.cs</c>.
/// </remarks>
public static class Scalars
{
    /// <summary>0.0 (float64).</summary>
    public static readonly Scalar Zero = 0.0.ToScalar();
    /// <summary>1 (int64): the alpha of a plain addition or subtraction, valid for every dtype.</summary>
    public static readonly Scalar One = 1L.ToScalar();
    /// <summary>0.5 (float64).</summary>
    public static readonly Scalar Half = 0.5.ToScalar();
    /// <summary>2.0 (float64).</summary>
    public static readonly Scalar Two = 2.0.ToScalar();
    /// <summary>-1 (int64).</summary>
    public static readonly Scalar MinusOne = (-1L).ToScalar();

    /// <summary><c>a + 1</c> without temporary Scalars.</summary>
    public static Tensor AddOne(Tensor a) => a.add(One, One);

    /// <summary><c>1 - a</c> without temporary Scalars (computed as -a + 1, the same IEEE result).</summary>
    public static Tensor OneMinus(Tensor a) => a.neg().add(One, One);

    /// <summary><c>a + b</c> without a temporary alpha Scalar.</summary>
    public static Tensor Add(Tensor a, Tensor b) => a.add(b, One);

    /// <summary><c>a - b</c> (TorchSharp's subtraction of tensors makes no Scalar; here for symmetry with <see cref="Add(Tensor, Tensor)"/>).</summary>
    public static Tensor Sub(Tensor a, Tensor b) => a.sub(b);

    /// <summary><c>a * value</c> with a Scalar that lives until the product is computed.</summary>
    public static Tensor Mul(Tensor a, double value)
    {
        using var s = value.ToScalar();
        return a.mul(s);
    }

    /// <summary><c>a + value</c> with a Scalar that lives until the sum is computed.</summary>
    public static Tensor Add(Tensor a, double value)
    {
        using var s = value.ToScalar();
        return a.add(s, One);
    }

    /// <summary><c>clamp_min(a, value)</c> with a Scalar that lives until the result is computed.</summary>
    public static Tensor ClampMin(Tensor a, double value)
    {
        using var s = value.ToScalar();
        return a.clamp_min(s);
    }
}
