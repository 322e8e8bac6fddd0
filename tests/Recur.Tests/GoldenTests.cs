using Recur.Parity;

namespace Recur.Tests;

/// <summary>Every golden case made with PyTorch (public set and the extra set) must pass under the golden README's tolerance.</summary>
public class GoldenTests
{
    public static IEnumerable<object[]> Cases() =>
        Directory.GetFiles(Path.Combine(AppContext.BaseDirectory, "Golden"), "*.json", SearchOption.AllDirectories)
            .Order(StringComparer.Ordinal)
            .Select(p => new object[] { Path.GetRelativePath(AppContext.BaseDirectory, p) });

    [Theory]
    [MemberData(nameof(Cases))]
    public void MatchesPyTorch(string relativePath)
    {
        var r = GoldenRunner.Run(Path.Combine(AppContext.BaseDirectory, relativePath));
        var failing = string.Join("; ", r.Checks.Where(c => !c.Pass).Select(c => $"{c.Name} max|err| {c.MaxAbsError:G3}"));
        Assert.True(r.Status == CaseStatus.Pass, $"{r.Name}: {r.Status} {r.Message} {failing}");
        Assert.NotEmpty(r.Checks);
    }

    [Fact]
    public void PublicSetIsComplete() =>
        Assert.Equal(73, Directory.GetFiles(Path.Combine(AppContext.BaseDirectory, "Golden"), "*.json").Length);

    [Fact]
    public void ToleranceIsTheReadmes()
    {
        // |got − want| ≤ 1e−5·max(1, max|want|) + 1e−4·|want|
        Assert.True(GoldenRunner.WithinTolerance(1.0001f, 1f, 1f));
        Assert.False(GoldenRunner.WithinTolerance(1.001f, 1f, 1f));
        Assert.True(GoldenRunner.WithinTolerance(100.01f, 100f, 100f));
        Assert.False(GoldenRunner.WithinTolerance(0.01f, 0f, 1f));
    }

    [Fact]
    public void ALossSummedOverManyElementsGetsSlackForFloat32Summation()
    {
        // L = Σ output·R1 over 4000 terms of magnitude 1 (Σ|terms| = 4000, L = 0): PyTorch's float32 sum of such a loss
        // is off by ~1e−5–1e−4, above the per-element rule's 1e−5 but within 1e−7·Σ|terms| = 4e−4; a real mistake is not.
        const int n = 4000;
        var output = Tensor.Ones(n);
        var r1 = Enumerable.Range(0, n).Select(i => i % 2 == 0 ? 1f : -1f).ToArray();
        bool Passes(double want, string formula = "L = sum(output * R1)")
        {
            var path = Path.Combine(Path.GetTempPath(), $"recur-loss-{Guid.NewGuid():N}.json");
            File.WriteAllText(path, System.Text.Json.JsonSerializer.Serialize(new
            {
                name = "loss_slack", kind = "rnn", module = "LSTM",
                loss = new
                {
                    formula,
                    value = new { shape = Array.Empty<int>(), dtype = "float32", data = new[] { want } },
                    R1 = new { shape = new[] { n }, dtype = "float32", data = r1 },
                },
            }));
            try
            {
                var checks = new List<TensorCheck>();
                var golden = GoldenCase.Load(path);
                GoldenRunner.Loss(golden, out double scale, output);
                GoldenRunner.CheckLossValue(golden, checks, Tensor.Scalar(0f), scale);
                return Assert.Single(checks).Pass;
            }
            finally { File.Delete(path); }
        }
        Assert.True(Passes(5e-6));        // the per-element rule
        Assert.True(Passes(1e-4));        // float32 summation slack
        Assert.False(Passes(1e-3));       // beyond it
        Assert.False(Passes(1e-4, "L = output")); // a loss that is the output itself gets no slack
    }

    [Fact]
    public void WrongAnswerFails()
    {
        // Corrupt one expected value of a real case: the runner must notice.
        var src = File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Golden", "lstm_basic.json"));
        var doc = System.Text.Json.Nodes.JsonNode.Parse(src)!;
        var data = doc["outputs"]!["h_n"]!["data"]!.AsArray();
        data[0] = data[0]!.GetValue<double>() + 0.01;
        var path = Path.Combine(Path.GetTempPath(), $"recur-wrong-{Guid.NewGuid():N}.json");
        File.WriteAllText(path, doc.ToJsonString());
        try
        {
            var r = GoldenRunner.Run(path);
            Assert.Equal(CaseStatus.Fail, r.Status);
            Assert.Contains(r.Checks, c => c.Name == "outputs.h_n" && !c.Pass && c.MaxAbsError > 0.009);
        }
        finally { File.Delete(path); }
    }

    [Fact]
    public void WrongReprFails()
    {
        // Change one expected string of the repr case: the runner must report that item, and only it.
        var src = File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Golden", "ops", "repr_tensors.json"));
        var doc = System.Text.Json.Nodes.JsonNode.Parse(src)!;
        var item = doc["outputs"]!["items"]!.AsArray()[0]!;
        item["repr"] = item["repr"]!.GetValue<string>().Replace("tensor([[", "tensor([[ ");
        var path = Path.Combine(Path.GetTempPath(), $"recur-wrong-repr-{Guid.NewGuid():N}.json");
        File.WriteAllText(path, doc.ToJsonString());
        try
        {
            var r = GoldenRunner.Run(path);
            Assert.Equal(CaseStatus.Fail, r.Status);
            Assert.Single(r.Checks, c => !c.Pass);
            Assert.Contains("differs at character 9", r.Checks.Single(c => !c.Pass).Name);
        }
        finally { File.Delete(path); }
    }

    [Theory]
    [InlineData("{ not json", "not valid JSON")]
    [InlineData("[1, 2]", "expected a JSON object")]
    [InlineData("{\"format_version\": 1, \"name\": \"x\", \"kind\": \"rnn\", \"module\": \"RNN\"}", "missing key 'config'")]
    [InlineData("{\"format_version\": 1, \"name\": \"x\", \"kind\": \"module\", \"module\": \"Linear\", \"config\": {\"in_features\": 2, \"out_features\": 1, \"bias\": false}, \"params\": {\"weight\": {\"shape\": [1, 2], \"dtype\": \"float32\", \"data\": [1]}}}", "needs 2 values but data has 1")]
    public void MalformedFileIsReportedByName(string content, string expected)
    {
        var path = Path.Combine(Path.GetTempPath(), $"recur-bad-{Guid.NewGuid():N}.json");
        File.WriteAllText(path, content);
        try
        {
            var r = GoldenRunner.Run(path);
            Assert.Equal(CaseStatus.Error, r.Status);
            Assert.Contains(Path.GetFileName(path), r.Message);
            Assert.Contains(expected, r.Message);
        }
        finally { File.Delete(path); }
    }

    [Fact]
    public void UnknownModuleIsUnsupported()
    {
        var path = Path.Combine(Path.GetTempPath(), $"recur-unsup-{Guid.NewGuid():N}.json");
        File.WriteAllText(path, "{\"format_version\": 1, \"name\": \"conv\", \"kind\": \"module\", \"module\": \"Conv1d\", \"config\": {}}");
        try
        {
            Assert.Equal(CaseStatus.Unsupported, GoldenRunner.Run(path).Status);
        }
        finally { File.Delete(path); }
    }

    [Fact]
    public void PythonNonFiniteLiteralsParse()
    {
        var bytes = System.Text.Encoding.UTF8.GetBytes("{\"a\": [NaN, Infinity, -Infinity, \"NaN in a string\"]}");
        var fixedJson = System.Text.Encoding.UTF8.GetString(GoldenCase.QuoteNonFiniteLiterals(bytes));
        Assert.Equal("{\"a\": [\"NaN\", \"Infinity\", \"-Infinity\", \"NaN in a string\"]}", fixedJson);
    }
}
