using WattBit.Sites;

namespace WattBit.Execution.Tests;

public sealed class QueueMapTests
{
    [Fact]
    public void Parse_SiteEqualsQueueList_MapsEachSite()
    {
        var map = QueueMap.Parse(" TK=tk , KN=kn_gpu ");

        Assert.Equal("tk", map.QueueOf(new SiteId("TK")));
        Assert.Equal("kn_gpu", map.QueueOf(new SiteId("KN")));
        Assert.False(map.TryGetQueue(new SiteId("KY"), out _));
    }

    [Theory]
    [InlineData("TK", "not SITE=queue")]
    [InlineData("TK=", "not SITE=queue")]
    [InlineData("=tk", "not SITE=queue")]
    [InlineData("TK=tk,TK=tk2", "twice")]
    [InlineData("TK=t k", "white space")]
    [InlineData("", "empty")]
    public void Parse_Bad_ThrowsFormatExceptionSayingWhy(string text, string reason)
    {
        var ex = Assert.Throws<FormatException>(() => QueueMap.Parse(text));

        Assert.Contains(reason, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void QueueOf_UnmappedSite_ThrowsArgumentExceptionNamingIt()
    {
        var ex = Assert.Throws<ArgumentException>(() => QueueMap.Parse("TK=tk").QueueOf(new SiteId("KY")));

        Assert.Contains("KY", ex.Message, StringComparison.Ordinal);
    }
}
