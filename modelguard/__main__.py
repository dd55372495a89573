from modelguard.cli.main import main

main()
