using PopupStore.Storefront.Tests.Infrastructure;
using PuppeteerSharp;

namespace PopupStore.Storefront.Tests;

/// <summary>
/// The storefront page in a real headless Chromium: Debian's <c>chromium</c> package, driven by
/// PuppeteerSharp through its executable path (nothing is downloaded). .ci/run installs the package.
/// </summary>
[Collection(StorefrontCollection.Name)]
public sealed class PageInChromiumTests(StorefrontFixture fx)
{
    private const string Chromium = "/usr/bin/chromium";

    [Fact]
    public async Task The_page_loads_cleanly_shows_units_left_and_Buy_shows_the_outcome_in_words()
    {
        Assert.True(File.Exists(Chromium), $"{Chromium} is missing: apt-get install -y chromium");
        await fx.StartSaleAsync(25, TimeSpan.FromMinutes(10));
        await fx.A.OrderAsync(Api.NewId("c"), Api.NewId("o"));

        var profile = Directory.CreateTempSubdirectory("popupstore-chromium-");
        try
        {
            await using var browser = await Puppeteer.LaunchAsync(new LaunchOptions
            {
                ExecutablePath = Chromium,
                Headless = true,
                UserDataDir = profile.FullName,
                Timeout = 60_000,
                Args =
                [
                    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                    "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage",
                ],
            });
            await using var page = await browser.NewPageAsync();
            await page.SetViewportAsync(new ViewPortOptions { Width = 390, Height = 844, DeviceScaleFactor = 1, IsMobile = true, HasTouch = true });

            var problems = new List<string>();
            page.Console += (_, e) =>
            {
                if (e.Message.Type == ConsoleType.Error)
                {
                    problems.Add($"console: {e.Message.Text}");
                }
            };
            page.PageError += (_, e) => problems.Add($"page error: {e.Message}");
            page.RequestFailed += (_, e) => problems.Add($"request failed: {e.Request.Url}");

            var response = await page.GoToAsync(fx.A.Address.ToString(), WaitUntilNavigation.Load);
            Assert.True(response.Ok, $"GET / answered {response.Status}");

            // Units left come from the API and the live feed: 24 of 25 after the order above.
            await page.WaitForFunctionAsync("() => document.querySelector('#units-left').textContent.trim() === '24'", new WaitForFunctionOptions { Timeout = 15_000 });
            Assert.Contains("of 25", await Text(page, "#units-words"), StringComparison.Ordinal);
            Assert.Equal("The sale is open", await Text(page, "#state"));
            Assert.Equal("Closes in", await Text(page, "#countdown-label"));
            Assert.Matches(@"^\d+:\d\d$", await Text(page, "#countdown"));

            // A customer id is made and kept in the browser.
            var customer = await page.EvaluateExpressionAsync<string>("document.querySelector('#customer').value");
            Assert.StartsWith("buyer-", customer, StringComparison.Ordinal);
            Assert.Equal(customer, await page.EvaluateExpressionAsync<string>("localStorage.getItem('popupstore.customer')"));

            // Accessible: every control has a label and the answer is announced.
            Assert.Equal(0, await page.EvaluateExpressionAsync<int>("[...document.querySelectorAll('input')].filter(i => i.labels.length === 0).length"));
            Assert.Equal("status", await page.EvaluateExpressionAsync<string>("document.querySelector('#answer').getAttribute('role')"));

            // Buy with the keyboard.
            await page.FocusAsync("#buy");
            await page.Keyboard.PressAsync("Enter");
            await page.WaitForFunctionAsync("() => document.querySelector('#answer').textContent.includes('yours')", new WaitForFunctionOptions { Timeout = 15_000 });
            var answer = await Text(page, "#answer");
            Assert.StartsWith("It\u2019s yours! Order web-", answer, StringComparison.Ordinal);
            await page.WaitForFunctionAsync("() => document.querySelector('#units-left').textContent.trim() === '23'", new WaitForFunctionOptions { Timeout = 15_000 });

            await page.ScreenshotAsync(Path.Combine(AppContext.BaseDirectory, "storefront.png"), new ScreenshotOptions { FullPage = true });

            // Buying again is answered in words too: one per customer.
            await page.ClickAsync("#buy");
            await page.WaitForFunctionAsync("() => document.querySelector('#answer').textContent.includes('one per customer')", new WaitForFunctionOptions { Timeout = 15_000 });

            Assert.Empty(problems);
            Assert.True(await fx.Database.HashExistsAsync(Core.Redis.RedisKeys.Buyers, customer));
            Assert.Equal(0, await page.EvaluateExpressionAsync<int>("document.documentElement.scrollWidth - window.innerWidth"));
        }
        finally
        {
            profile.Delete(recursive: true);
        }

        var report = await fx.DrainAndCheckAsync();
        Assert.True(report.AllPassed, report.ToString());
    }

    private static Task<string> Text(IPage page, string selector) =>
        page.EvaluateFunctionAsync<string>("s => document.querySelector(s).textContent.trim()", selector);
}
