using VideoGan.Data;

namespace VideoGan.Tests.Data;

public class SyntheticFacesTests
{
    static readonly SyntheticFacesSet Set = SyntheticFaces.Generate(48, seed: 5);

    static double ChangedFraction(VideoClips c, int clip, int t0, int t1)
    {
        var d = c.Clip(clip);
        int plane = c.Height * c.Width, changed = 0;
        for (int k = 0; k < plane; k++)
            for (int ch = 0; ch < 3; ch++)
                if (Math.Abs(d[(ch * c.Frames + t0) * plane + k] - d[(ch * c.Frames + t1) * plane + k]) > 8) { changed++; break; }
        return (double)changed / plane;
    }

    [Fact]
    public void Shape_labels_and_synthetic_provenance()
    {
        Assert.Equal(new long[] { 48, 3, 16, 64, 64 }, Set.Clips.Shape);
        Assert.Contains("SYNTHETIC", Set.Source);
        Assert.All(Set.Labels, l => Assert.True(l.Synthetic));
        var motions = Set.Labels.GroupBy(l => l.Motion).ToDictionary(g => g.Key, g => g.Count());
        Assert.Equal(4, motions.Count);
        Assert.True(Set.Labels.Select(l => l.Skin).Distinct().Count() > 20);
        Assert.True(Set.Labels.Select(l => l.Background).Distinct().Count() > 40);
        Assert.True(Set.Labels.Select(l => l.Hair).Distinct().Count() > 20);
    }

    [Fact]
    public void Seeded_and_independent_of_threads()
    {
        var a = SyntheticFaces.Generate(6, seed: 9);
        var b = SyntheticFaces.Generate(6, seed: 9, maxThreads: 1);
        Assert.Equal(a.Clips.Data, b.Clips.Data);
        Assert.NotEqual(a.Clips.Data, SyntheticFaces.Generate(6, seed: 10).Clips.Data);
    }

    [Fact]
    public void Each_motion_changes_the_frames_as_labelled()
    {
        for (int i = 0; i < Set.Count; i++)
        {
            var l = Set.Labels[i];
            int T = Set.Clips.Frames;
            double endToEnd = ChangedFraction(Set.Clips, i, 0, T - 1);
            double maxChange = Enumerable.Range(1, T - 1).Max(t => ChangedFraction(Set.Clips, i, 0, t));
            switch (l.Motion)
            {
                case FaceMotion.HeadTurn:
                    Assert.InRange(endToEnd, 0.04, 0.6); // the whole face moves
                    Assert.InRange(l.Amplitude, 20, 40);
                    break;
                case FaceMotion.Nod:
                    Assert.InRange(maxChange, 0.03, 0.6);
                    break;
                case FaceMotion.Blink:
                    // Only the eyes change, and they open again.
                    Assert.InRange(maxChange, 0.002, 0.03);
                    Assert.Equal(0, l.Direction);
                    break;
                case FaceMotion.Smile:
                    Assert.InRange(endToEnd, 0.002, 0.04); // only the mouth
                    break;
            }
        }
    }
}
