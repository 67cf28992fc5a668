// Watched from outside: a standard availability test on the readiness URL from several locations, and an alert when
// two or more of them fail (one failing location is more often the location than the app).
@description('Base name for the resources.')
param name string
@description('Region of the Application Insights resource the test reports to.')
param location string
param tags object = {}
@description('Resource id of the Application Insights resource.')
param appInsightsId string
@description('Action group the alert notifies.')
param actionGroupId string
@description('The readiness URL: https://<app>/elevenlabs-conversation/ready.')
param readinessUrl string
@description('Availability-test locations (Application Insights location ids); at least three.')
@minLength(3)
param testLocations array = [
  'us-va-ash-azr' // East US
  'us-il-ch1-azr' // North Central US
  'us-ca-sjc-azr' // West US
  'emea-nl-ams-azr' // West Europe
  'apac-sg-sin-azr' // Southeast Asia
]

@description('The test\'s name: the "name" of its rows in availabilityResults (the workbook charts it).')
var testName = 'elevenlabs-conversation-ready'

resource webTest 'Microsoft.Insights/webtests@2022-06-15' = {
  name: 'webtest-${name}-ready'
  location: location
  // The hidden link ties the test to the Application Insights resource it reports to.
  tags: union(tags, {
    'hidden-link:${appInsightsId}': 'Resource'
  })
  kind: 'standard'
  properties: {
    SyntheticMonitorId: 'webtest-${name}-ready'
    Name: testName
    Description: 'GET /elevenlabs-conversation/ready: 200 and "status":"ready" when the key resolves, Firestore answers and ElevenLabs accepts the key.'
    Enabled: true
    Kind: 'standard'
    Frequency: 300
    Timeout: 30
    RetryEnabled: true
    Locations: [for id in testLocations: {
      Id: id
    }]
    Request: {
      RequestUrl: readinessUrl
      HttpVerb: 'GET'
      ParseDependentRequests: false
    }
    ValidationRules: {
      ExpectedHttpStatusCode: 200
      IgnoreHttpStatusCode: false
      SSLCheck: true
      SSLCertRemainingLifetimeCheck: 7
      ContentValidation: {
        ContentMatch: '"status":"ready"'
        IgnoreCase: false
        PassIfTextFound: true
      }
    }
  }
}

resource availabilityAlert 'Microsoft.Insights/metricAlerts@2018-03-01' = {
  name: 'alert-${name}-readiness'
  location: 'global'
  // The same hidden links as the test, so the alert shows on the test in the portal.
  tags: union(tags, {
    'hidden-link:${appInsightsId}': 'Resource'
    'hidden-link:${webTest.id}': 'Resource'
  })
  properties: {
    description: 'ElevenLabs conversation: the readiness test fails from 2 or more locations (a dependency is down, refuses the app, or the app is down).'
    severity: 1
    enabled: true
    scopes: [
      webTest.id
      appInsightsId
    ]
    evaluationFrequency: 'PT1M'
    windowSize: 'PT5M'
    criteria: {
      'odata.type': 'Microsoft.Azure.Monitor.WebtestLocationAvailabilityCriteria'
      webTestId: webTest.id
      componentId: appInsightsId
      failedLocationCount: 2
    }
    autoMitigate: true
    actions: [
      {
        actionGroupId: actionGroupId
      }
    ]
  }
}

output webTestName string = testName
output webTestId string = webTest.id
