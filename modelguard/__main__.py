from modelguard.cli import main

main()
