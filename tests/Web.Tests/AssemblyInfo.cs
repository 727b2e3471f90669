// Every test that opens a page through BrowserFixture fails on a console or page error it did not allow.
[assembly: TaskFlow.Web.Tests.BrowserErrorsFailTheTest]
