"""Teams and the Bot Framework: rendering answers as activities, the aiohttp endpoint, feedback, the app package.

The only package that imports botbuilder."""
